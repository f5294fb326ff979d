using System.Text.Json;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class HybridTimestampTests
{
    [Test]
    public void Parts_survive_packing()
    {
        var timestamp = new HybridTimestamp(1_700_000_000_123, 42);

        Assert.Multiple(() =>
        {
            Assert.That(timestamp.PhysicalMilliseconds, Is.EqualTo(1_700_000_000_123), "physical part");
            Assert.That(timestamp.Logical, Is.EqualTo(42), "logical part");
            Assert.That(HybridTimestamp.FromPacked(timestamp.Packed), Is.EqualTo(timestamp), "packed round trip");
            Assert.That(timestamp.PhysicalTime, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)), "physical time");
        });
    }

    [Test]
    public void Physical_time_orders_before_the_counter()
    {
        var earlierWithHighCounter = new HybridTimestamp(1000, HybridTimestamp.MaxLogical);
        var later = new HybridTimestamp(1001, 0);

        Assert.Multiple(() =>
        {
            Assert.That(earlierWithHighCounter < later, Is.True, "a later millisecond wins over any counter");
            Assert.That(new HybridTimestamp(1000, 1) > new HybridTimestamp(1000, 0), Is.True, "within a millisecond the counter decides");
            Assert.That(earlierWithHighCounter.CompareTo(later), Is.Negative, "CompareTo agrees with the operators");
        });
    }

    [Test]
    public void Counter_overflow_carries_into_the_next_millisecond()
    {
        var last = new HybridTimestamp(1000, HybridTimestamp.MaxLogical);

        Assert.That(HybridTimestamp.FromPacked(last.Packed + 1), Is.EqualTo(new HybridTimestamp(1001, 0)),
            "the packed successor of the largest counter is the next millisecond with counter 0");
    }

    [TestCase(-1L, 0)]
    [TestCase(HybridTimestamp.MaxPhysicalMilliseconds + 1, 0)]
    [TestCase(0L, -1)]
    [TestCase(0L, HybridTimestamp.MaxLogical + 1)]
    public void Out_of_range_parts_are_rejected(long physical, int logical)
    {
        Assert.That(() => new HybridTimestamp(physical, logical), Throws.InstanceOf<ArgumentOutOfRangeException>(),
            $"({physical}, {logical}) is outside 48 bits of milliseconds and 16 bits of counter");
    }

    [Test]
    public void Json_round_trip_keeps_both_parts_as_plain_numbers()
    {
        var timestamp = new HybridTimestamp(1_700_000_000_123, 7);

        var json = JsonSerializer.Serialize(timestamp);

        Assert.Multiple(() =>
        {
            Assert.That(json, Is.EqualTo("{\"PhysicalMilliseconds\":1700000000123,\"Logical\":7}"), "the JSON form");
            Assert.That(JsonSerializer.Deserialize<HybridTimestamp>(json), Is.EqualTo(timestamp), "the round trip");
        });
    }

    [Test]
    public void Text_form_shows_time_and_counter()
    {
        Assert.That(new HybridTimestamp(1_700_000_000_123, 3).ToString(), Is.EqualTo("2023-11-14T22:13:20.123Z+3"));
    }
}
