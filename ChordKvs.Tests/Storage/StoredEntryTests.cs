using System.Text;
using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class StoredEntryTests
{
    private static readonly EntryVersion SomeVersion = new(new HybridTimestamp(1_700_000_000_000, 1), new NodeId(0x42));
    private static readonly DateTimeOffset PurgeTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_086_400_000);

    [Test]
    public void Live_entry_holds_the_bytes_as_written()
    {
        var value = Encoding.UTF8.GetBytes("{ \"a\" : 1 }");

        var entry = StoredEntry.Live("users/42", value, SomeVersion);

        Assert.Multiple(() =>
        {
            Assert.That(entry.Key, Is.EqualTo("users/42"), "key");
            Assert.That(entry.KeyId, Is.EqualTo(NodeId.ForKey("users/42")), "the key id is derived from the key");
            Assert.That(entry.Value, Is.SameAs(value), "the bytes are kept, not re-encoded");
            Assert.That(entry.IsTombstone, Is.False, "a value is not a tombstone");
            Assert.That(entry.PurgeAfter, Is.Null, "a value has no purge time");
            Assert.That(entry.ValueLength, Is.EqualTo(value.Length), "length");
        });
    }

    [Test]
    public void Tombstone_has_no_value_and_a_purge_time()
    {
        var entry = StoredEntry.Tombstone("gone", SomeVersion, PurgeTime);

        Assert.Multiple(() =>
        {
            Assert.That(entry.IsTombstone, Is.True, "a delete leaves a tombstone");
            Assert.That(entry.Value, Is.Null, "without a value");
            Assert.That(entry.ValueLength, Is.Zero, "of length 0");
            Assert.That(entry.PurgeAfter, Is.EqualTo(PurgeTime), "with its purge time");
        });
    }

    [Test]
    public void Tombstone_becomes_purgeable_strictly_after_its_purge_time()
    {
        var entry = StoredEntry.Tombstone("gone", SomeVersion, PurgeTime);

        Assert.Multiple(() =>
        {
            Assert.That(entry.IsPurgeableAt(PurgeTime), Is.False, "not at the purge time itself");
            Assert.That(entry.IsPurgeableAt(PurgeTime.AddTicks(1)), Is.True, "one tick later");
            Assert.That(StoredEntry.Live("k", [0x31], SomeVersion).IsPurgeableAt(DateTimeOffset.MaxValue), Is.False, "a live value never");
        });
    }

    [Test]
    public void Inconsistent_entries_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new StoredEntry("k", null, SomeVersion, purgeAfter: null), Throws.ArgumentException, "a tombstone without purge time");
            Assert.That(() => new StoredEntry("k", [0x31], SomeVersion, PurgeTime), Throws.ArgumentException, "a value with a purge time");
        });
    }

    [Test]
    public void Equality_compares_value_bytes_not_array_identity()
    {
        var a = StoredEntry.Live("k", Encoding.UTF8.GetBytes("[1,2]"), SomeVersion);
        var b = StoredEntry.Live("k", Encoding.UTF8.GetBytes("[1,2]"), SomeVersion);
        var differentBytes = StoredEntry.Live("k", Encoding.UTF8.GetBytes("[1,3]"), SomeVersion);

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b), "same key, bytes and version");
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()), "equal entries hash alike");
            Assert.That(a, Is.Not.EqualTo(differentBytes), "different bytes");
            Assert.That(a, Is.Not.EqualTo(StoredEntry.Tombstone("k", SomeVersion, PurgeTime)), "a value is not a tombstone");
        });
    }

    [Test]
    public void Json_round_trip_of_a_value_keeps_the_exact_bytes()
    {
        var entry = StoredEntry.Live("ключ/1", Encoding.UTF8.GetBytes("{\"z\":1,  \"a\":[true]}"), SomeVersion);

        var json = JsonSerializer.Serialize(entry);
        var back = JsonSerializer.Deserialize<StoredEntry>(json);

        Assert.Multiple(() =>
        {
            Assert.That(back, Is.EqualTo(entry), $"round trip of {json}");
            Assert.That(back!.KeyId, Is.EqualTo(entry.KeyId), "the key id is recomputed from the key");
            Assert.That(json, Does.Not.Contain("KeyId"), "the key id does not travel: it is derived");
        });
    }

    [Test]
    public void Json_round_trip_of_a_tombstone_keeps_the_purge_time()
    {
        var entry = StoredEntry.Tombstone("gone", SomeVersion, PurgeTime);

        var back = JsonSerializer.Deserialize<StoredEntry>(JsonSerializer.Serialize(entry));

        Assert.Multiple(() =>
        {
            Assert.That(back, Is.EqualTo(entry), "round trip");
            Assert.That(back!.PurgeAfter, Is.EqualTo(PurgeTime), "purge time");
        });
    }
}
