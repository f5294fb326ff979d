using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class RangeDigestTests
{
    private static readonly EntryVersion SomeVersion = new(new HybridTimestamp(1_700_000_000_000, 3), new NodeId(0x42));

    [Test]
    public void Entry_digest_is_a_fixed_function_of_key_and_version()
    {
        // Replicas in different processes, machines and .NET versions compare digests, so the per-entry hash
        // must never change; this value pins it.
        var digest = RangeDigest.Of(StoredEntry.Live("users/42", [(byte)'1'], SomeVersion));

        Assert.That(digest, Is.EqualTo(new RangeDigest(0x188E1BFED91C2B12UL, 1)), "the digest of a fixed entry must not change between builds");
    }

    [Test]
    public void Entry_digest_ignores_the_value_bytes_but_not_the_version()
    {
        var one = RangeDigest.Of(StoredEntry.Live("k", [(byte)'1'], SomeVersion));
        var sameVersionOtherBytes = RangeDigest.Of(StoredEntry.Live("k", [(byte)'2'], SomeVersion));
        var newer = RangeDigest.Of(StoredEntry.Live("k", [(byte)'1'], SomeVersion with { Writer = new NodeId(0x43) }));

        Assert.Multiple(() =>
        {
            Assert.That(sameVersionOtherBytes, Is.EqualTo(one), "a version names one write, so its bytes add nothing");
            Assert.That(newer, Is.Not.EqualTo(one), "another version is another write");
        });
    }

    [Test]
    public void Adding_is_order_independent_and_empty_is_neutral()
    {
        var a = RangeDigest.Of(StoredEntry.Live("a", [(byte)'1'], SomeVersion));
        var b = RangeDigest.Of(StoredEntry.Live("b", [(byte)'1'], SomeVersion));

        Assert.Multiple(() =>
        {
            Assert.That(a.Add(b), Is.EqualTo(b.Add(a)), "a + b = b + a");
            Assert.That(a.Add(RangeDigest.Empty), Is.EqualTo(a), "a + empty = a");
            Assert.That(a.Add(b).Count, Is.EqualTo(2), "counts add");
        });
    }

    [Test]
    public void Json_writes_the_hash_as_a_string_so_no_reader_rounds_it()
    {
        var digest = new RangeDigest(ulong.MaxValue - 1, 3);

        var json = JsonSerializer.Serialize(digest);

        Assert.Multiple(() =>
        {
            Assert.That(json, Is.EqualTo("{\"Hash\":\"18446744073709551614\",\"Count\":3}"), "the JSON form");
            Assert.That(JsonSerializer.Deserialize<RangeDigest>(json), Is.EqualTo(digest), "the round trip");
        });
    }
}
