using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

/// <summary>Entries with an expiry, and the store's maintenance that expires them.</summary>
public class ExpiringEntryTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 1, 1, 0, 0, 30, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);
    private static readonly EntryVersion Version = new(new HybridTimestamp(1_000, 0), new NodeId(7));

    private static StoredEntry Expiring(string key = "k") => StoredEntry.Live(key, "\"v\""u8.ToArray(), Version, Expiry);

    [Test]
    public void An_entry_is_itself_until_its_expiry_and_then_the_tombstone_of_the_same_version()
    {
        var entry = Expiring();

        var tombstone = entry.AsOf(Expiry, Grace);

        Assert.Multiple(() =>
        {
            Assert.That(entry.AsOf(Expiry - TimeSpan.FromTicks(1), Grace), Is.SameAs(entry), "before the expiry the value stands");
            Assert.That(tombstone.IsTombstone, Is.True, "at the expiry the value reads as deleted");
            Assert.That(tombstone.Version, Is.EqualTo(Version), "with the same version, so it still beats older versions");
            Assert.That(tombstone.PurgeAfter, Is.EqualTo(Expiry + Grace), "purged a grace period after the expiry, the same on every replica");
            Assert.That(StoredEntry.Live("k", "1"u8.ToArray(), Version).AsOf(DateTimeOffset.MaxValue, Grace).IsTombstone, Is.False, "a value without expiry never expires");
        });
    }

    [Test]
    public void Expiry_takes_part_in_equality_and_a_tombstone_cannot_expire()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Expiring(), Is.EqualTo(StoredEntry.Live("k", "\"v\""u8.ToArray(), Version, Expiry)), "key, value, version and expiry equal");
            Assert.That(Expiring(), Is.Not.EqualTo(StoredEntry.Live("k", "\"v\""u8.ToArray(), Version)), "the same value without expiry is another entry");
            Assert.That(() => new StoredEntry("k", null, Version, Expiry, Expiry), Throws.ArgumentException, "only live values expire");
        });
    }

    [Test]
    public void The_store_expires_due_values_only_and_frees_their_bytes()
    {
        var store = new VersionedStore(bucketBits: 2);
        store.Apply(Expiring("due"));
        store.Apply(StoredEntry.Live("later", "1"u8.ToArray(), Version, Expiry + TimeSpan.FromSeconds(1)));
        store.Apply(StoredEntry.Live("never", "2"u8.ToArray(), Version));
        var digestBefore = store.DigestRange(NodeId.Zero, NodeId.Zero);

        var expired = store.ExpireValues(Expiry, Grace);

        Assert.Multiple(() =>
        {
            Assert.That(expired, Is.EqualTo(1), "only the value whose expiry has come");
            Assert.That(store.Get("due")!.IsTombstone, Is.True);
            Assert.That(store.Get("later")!.IsTombstone, Is.False);
            Assert.That(store.Get("never")!.IsTombstone, Is.False);
            Assert.That((store.LiveCount, store.TombstoneCount, store.ValueBytes), Is.EqualTo((2, 1, 2L)), "counters follow: two live one-byte values and one tombstone");
            Assert.That(store.DigestRange(NodeId.Zero, NodeId.Zero), Is.EqualTo(digestBefore), "same versions, same digest: replicas that have not expired it yet agree");
            Assert.That(store.PurgeExpiredTombstones(Expiry + Grace + TimeSpan.FromTicks(1)), Is.EqualTo(1), "the tombstone is purged after the grace period");
        });
    }
}
