using ChordKvs.Core.Ring;

namespace ChordKvs.Tests.Ring;

public class RingIntervalTests
{
    private static NodeId Id(ulong value) => new(value);

    [TestCase(5UL, 1UL, 10UL, true)]
    [TestCase(1UL, 1UL, 10UL, false)]
    [TestCase(10UL, 1UL, 10UL, false)]
    [TestCase(11UL, 1UL, 10UL, false)]
    [TestCase(0UL, ulong.MaxValue - 1, 2UL, true)]
    [TestCase(ulong.MaxValue, ulong.MaxValue - 1, 2UL, true)]
    [TestCase(1UL, ulong.MaxValue - 1, 2UL, true)]
    [TestCase(2UL, ulong.MaxValue - 1, 2UL, false)]
    [TestCase(ulong.MaxValue - 1, ulong.MaxValue - 1, 2UL, false)]
    [TestCase(5UL, ulong.MaxValue - 1, 2UL, false)]
    public void Open_interval_wraps_around_zero(ulong id, ulong from, ulong to, bool expected)
    {
        Assert.That(RingInterval.IsInOpen(Id(id), Id(from), Id(to)), Is.EqualTo(expected), $"{id} in ({from}, {to})");
    }

    [TestCase(10UL, 1UL, 10UL, true)]
    [TestCase(1UL, 1UL, 10UL, false)]
    [TestCase(2UL, ulong.MaxValue, 2UL, true)]
    [TestCase(0UL, ulong.MaxValue, 2UL, true)]
    [TestCase(ulong.MaxValue, ulong.MaxValue, 2UL, false)]
    [TestCase(ulong.MaxValue, 0UL, ulong.MaxValue, true)]
    [TestCase(0UL, 0UL, ulong.MaxValue, false)]
    public void Half_open_interval_includes_its_end_only(ulong id, ulong from, ulong to, bool expected)
    {
        Assert.That(RingInterval.IsInHalfOpen(Id(id), Id(from), Id(to)), Is.EqualTo(expected), $"{id} in ({from}, {to}]");
    }

    [TestCase(0UL)]
    [TestCase(42UL)]
    [TestCase(ulong.MaxValue)]
    public void Equal_endpoints_make_the_whole_circle(ulong bound)
    {
        var a = Id(bound);
        Assert.Multiple(() =>
        {
            Assert.That(RingInterval.IsInHalfOpen(a, a, a), Is.True, "(a, a] holds a: a lone node owns every key");
            Assert.That(RingInterval.IsInHalfOpen(Id(unchecked(bound + 7)), a, a), Is.True, "(a, a] holds every other id");
            Assert.That(RingInterval.IsInOpen(a, a, a), Is.False, "(a, a) excludes a");
            Assert.That(RingInterval.IsInOpen(Id(unchecked(bound + 7)), a, a), Is.True, "(a, a) holds every other id");
        });
    }

    [Test]
    public void Finger_starts_wrap_modulo_two_to_the_64()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Id(ulong.MaxValue).AddPowerOfTwo(0), Is.EqualTo(NodeId.Zero));
            Assert.That(Id(0).AddPowerOfTwo(63), Is.EqualTo(Id(1UL << 63)));
            Assert.That(Id(1UL << 63).AddPowerOfTwo(63), Is.EqualTo(NodeId.Zero));
            Assert.That(Id(10).DistanceTo(Id(3)), Is.EqualTo(ulong.MaxValue - 6));
        });
    }

    [Test]
    public void Identifiers_are_stable_across_processes()
    {
        // SHA-1("") begins da39a3ee5e6b4b0d; SHA-1("abc") begins a9993e364706816a (FIPS 180 test vectors).
        Assert.Multiple(() =>
        {
            Assert.That(NodeId.ForKey(string.Empty).Value, Is.EqualTo(0xda39a3ee5e6b4b0dUL));
            Assert.That(NodeId.ForKey("abc").Value, Is.EqualTo(0xa9993e364706816aUL));
            Assert.That(NodeId.ForNode("http://127.0.0.1:7001", 1), Is.Not.EqualTo(NodeId.ForNode("http://127.0.0.1:7001")));
        });
    }

    [Test]
    public void Identifier_text_round_trips()
    {
        var id = Id(0x00ab_cdef_0123_4567UL);
        Assert.That(id.ToString(), Is.EqualTo("00abcdef01234567"));
        Assert.That(NodeId.TryParse(id.ToString(), out var parsed) && parsed == id, Is.True);
        Assert.That(NodeId.TryParse("not hex", out _), Is.False);
    }
}
