using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

/// <summary>Range reads, removals and digests, checked against a brute-force filter over random keys.</summary>
public class VersionedStoreRangeTests
{
    private const int KeyCount = 3000;
    private static readonly DateTimeOffset PurgeTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_086_400_000);

    private static List<StoredEntry> RandomEntries(int seed, int count = KeyCount)
    {
        var random = new Random(seed);
        var entries = new List<StoredEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var key = $"key-{random.Next():x8}-{i}";
            var version = new EntryVersion(new HybridTimestamp(1_700_000_000_000 + random.Next(1000), random.Next(4)), new NodeId((ulong)random.Next(5)));
            entries.Add(random.Next(10) == 0
                ? StoredEntry.Tombstone(key, version, PurgeTime)
                : StoredEntry.Live(key, Encoding.UTF8.GetBytes($"[{random.Next()}]"), version));
        }

        return entries;
    }

    private static VersionedStore StoreWith(IEnumerable<StoredEntry> entries, int bucketBits)
    {
        var store = new VersionedStore(bucketBits);
        foreach (var entry in entries)
        {
            store.Apply(entry);
        }

        return store;
    }

    // Bounds that exercise every shape of arc: random ones, ones landing exactly on stored key ids, both
    // ends in the same bucket (short arcs and arcs that run almost all the way round), the whole circle,
    // and arcs touching 0 and 2^64 − 1.
    private static IEnumerable<(NodeId From, NodeId To)> ArcsFor(List<StoredEntry> entries, int seed)
    {
        var random = new Random(seed);
        NodeId RandomId() => new((ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63));
        NodeId StoredId() => entries[random.Next(entries.Count)].KeyId;
        NodeId Offset(NodeId id, long delta) => new(unchecked(id.Value + (ulong)delta));

        for (var i = 0; i < 40; i++)
        {
            yield return (RandomId(), RandomId());
            yield return (StoredId(), StoredId());
            var onKey = StoredId();
            yield return (onKey, Offset(onKey, random.NextInt64(1, 1L << 40)));
            yield return (Offset(onKey, -1), onKey);
            yield return (onKey, Offset(onKey, -1));
            yield return (Offset(onKey, random.NextInt64(1, 1L << 50)), onKey);
        }

        yield return (NodeId.Zero, NodeId.Zero);
        yield return (NodeId.MaxValue, NodeId.MaxValue);
        var stored = StoredId();
        yield return (stored, stored);
        yield return (NodeId.MaxValue, NodeId.Zero);
        yield return (NodeId.Zero, NodeId.MaxValue);
        yield return (NodeId.MaxValue, new NodeId(ulong.MaxValue / 2));
    }

    private static List<StoredEntry> BruteForce(IEnumerable<StoredEntry> entries, NodeId from, NodeId to) =>
        entries.Where(e => RingInterval.IsInHalfOpen(e.KeyId, from, to))
            .OrderBy(e => new NodeId(unchecked(from.Value + 1)).DistanceTo(e.KeyId))
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .ToList();

    private static string Arc(NodeId from, NodeId to) => $"({from}, {to}]";

    [TestCase(0)]
    [TestCase(2)]
    [TestCase(6)]
    [TestCase(VersionedStore.DefaultBucketBits)]
    public void GetRange_returns_exactly_the_keys_in_the_arc_in_ring_order(int bucketBits)
    {
        var entries = RandomEntries(seed: 11);
        var store = StoreWith(entries, bucketBits);

        foreach (var (from, to) in ArcsFor(entries, seed: 12))
        {
            var expected = BruteForce(entries, from, to);

            Assert.That(store.GetRange(from, to), Is.EqualTo(expected).AsCollection,
                $"{Arc(from, to)} with {1 << bucketBits} buckets should hold the {expected.Count} entries a brute-force filter finds, clockwise from {from}");
        }
    }

    [Test]
    public void Equal_bounds_cover_the_whole_circle_including_the_bound_itself()
    {
        var entries = RandomEntries(seed: 21, count: 200);
        var store = StoreWith(entries, bucketBits: 4);
        var bound = entries[17].KeyId;

        var all = store.GetRange(bound, bound);

        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Count.EqualTo(200), "(a, a] is every identifier");
            Assert.That(all[^1].KeyId, Is.EqualTo(bound), "the entry at the bound comes last, a full turn from the start");
        });
    }

    [Test]
    public void Range_reads_include_tombstones()
    {
        var store = new VersionedStore();
        var tombstone = StoredEntry.Tombstone("deleted", new EntryVersion(new HybridTimestamp(1, 0), NodeId.Zero), PurgeTime);
        store.Apply(tombstone);

        Assert.That(store.GetRange(NodeId.Zero, NodeId.Zero), Is.EqualTo(new[] { tombstone }),
            "a hand-off must carry tombstones, or the receiver could resurrect deleted keys");
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(VersionedStore.DefaultBucketBits)]
    public void RemoveRange_removes_exactly_the_keys_in_the_arc_and_keeps_the_rest(int bucketBits)
    {
        var entries = RandomEntries(seed: 31, count: 800);

        foreach (var (from, to) in ArcsFor(entries, seed: 32).Take(60))
        {
            var store = StoreWith(entries, bucketBits);
            var expectedRemoved = BruteForce(entries, from, to);
            var expectedKept = entries.Except(expectedRemoved).ToList();

            var removed = store.RemoveRange(from, to);

            Assert.Multiple(() =>
            {
                Assert.That(removed, Is.EqualTo(expectedRemoved).AsCollection, $"{Arc(from, to)}: the removed entries, in ring order");
                Assert.That(store.GetRange(from, to), Is.Empty, $"{Arc(from, to)} is empty afterwards");
                Assert.That(expectedKept.All(e => ReferenceEquals(store.Get(e.Key), e)), Is.True, $"every key outside {Arc(from, to)} is still found");
                Assert.That(store.LiveCount, Is.EqualTo(expectedKept.Count(e => !e.IsTombstone)), "live count after removal");
                Assert.That(store.TombstoneCount, Is.EqualTo(expectedKept.Count(e => e.IsTombstone)), "tombstone count after removal");
                Assert.That(store.ValueBytes, Is.EqualTo(expectedKept.Sum(e => (long)e.ValueLength)), "value bytes after removal");
            });
        }
    }

    [Test]
    public void Removed_range_can_be_applied_to_another_store_to_move_it()
    {
        var entries = RandomEntries(seed: 41, count: 500);
        var giver = StoreWith(entries, bucketBits: 5);
        var receiver = new VersionedStore(bucketBits: 7);
        var (from, to) = (entries[3].KeyId, entries[4].KeyId);

        foreach (var entry in giver.RemoveRange(from, to))
        {
            receiver.Apply(entry);
        }

        Assert.Multiple(() =>
        {
            Assert.That(receiver.GetRange(NodeId.Zero, NodeId.Zero), Is.EqualTo(BruteForce(entries, NodeId.Zero, NodeId.Zero).Where(e => RingInterval.IsInHalfOpen(e.KeyId, from, to))).AsCollection,
                "the receiver holds exactly the moved arc");
            Assert.That(giver.LiveCount + giver.TombstoneCount + receiver.LiveCount + receiver.TombstoneCount, Is.EqualTo(500), "no entry lost or duplicated");
        });
    }

    [Test]
    public void Digest_is_equal_for_replicas_that_received_the_same_entries_in_different_orders()
    {
        var entries = RandomEntries(seed: 51);
        var shuffle = new Random(53);
        var shuffled = entries.OrderBy(_ => shuffle.Next()).ToList();
        var replicaA = StoreWith(entries, bucketBits: 12);
        var replicaB = StoreWith(shuffled, bucketBits: 3);

        foreach (var (from, to) in ArcsFor(entries, seed: 52))
        {
            var digest = replicaA.DigestRange(from, to);

            Assert.Multiple(() =>
            {
                Assert.That(replicaB.DigestRange(from, to), Is.EqualTo(digest), $"{Arc(from, to)}: same entries, same digest, whatever the order and bucket count");
                Assert.That(digest.Count, Is.EqualTo(BruteForce(entries, from, to).Count), $"{Arc(from, to)}: the digest counts the entries in the arc");
            });
        }
    }

    [Test]
    public void Digest_differs_when_one_entry_has_a_different_version()
    {
        var entries = RandomEntries(seed: 61, count: 500);
        var replicaA = StoreWith(entries, bucketBits: 6);
        var replicaB = StoreWith(entries, bucketBits: 6);
        var changed = entries[100];
        replicaB.Apply(StoredEntry.Live(changed.Key, [(byte)'1'], changed.Version with { Writer = new NodeId(changed.Version.Writer.Value + 1) }));
        var beforeChanged = new NodeId(changed.KeyId.Value - 1);

        Assert.Multiple(() =>
        {
            Assert.That(replicaB.DigestRange(NodeId.Zero, NodeId.Zero), Is.Not.EqualTo(replicaA.DigestRange(NodeId.Zero, NodeId.Zero)), "the whole circle differs");
            Assert.That(replicaB.DigestRange(beforeChanged, changed.KeyId), Is.Not.EqualTo(replicaA.DigestRange(beforeChanged, changed.KeyId)), "the arc holding just that key differs");
            Assert.That(replicaB.DigestRange(changed.KeyId, beforeChanged), Is.EqualTo(replicaA.DigestRange(changed.KeyId, beforeChanged)), "the rest of the circle is still equal");
            Assert.That(replicaB.DigestRange(NodeId.Zero, NodeId.Zero).Count, Is.EqualTo(500), "the count alone does not notice: the hash does");
        });
    }

    [Test]
    public void Digest_differs_when_one_replica_misses_an_entry_or_has_a_tombstone_instead()
    {
        var entries = RandomEntries(seed: 71, count: 500);
        var full = StoreWith(entries, bucketBits: 6);
        var missing = StoreWith(entries.Where((_, i) => i != 250), bucketBits: 6);
        var deleted = StoreWith(entries, bucketBits: 6);
        var victim = entries.First(e => !e.IsTombstone);
        deleted.Apply(StoredEntry.Tombstone(victim.Key, victim.Version with { Timestamp = HybridTimestamp.FromPacked(victim.Version.Timestamp.Packed + 1) }, PurgeTime));

        Assert.Multiple(() =>
        {
            Assert.That(missing.DigestRange(NodeId.Zero, NodeId.Zero), Is.Not.EqualTo(full.DigestRange(NodeId.Zero, NodeId.Zero)), "a missing entry changes the digest");
            Assert.That(deleted.DigestRange(NodeId.Zero, NodeId.Zero), Is.Not.EqualTo(full.DigestRange(NodeId.Zero, NodeId.Zero)), "a newer tombstone changes the digest");
        });
    }

    [Test]
    public void Digests_of_adjacent_arcs_add_up_to_the_digest_of_their_union()
    {
        var entries = RandomEntries(seed: 81);
        var store = StoreWith(entries, bucketBits: 8);
        var random = new Random(82);

        for (var i = 0; i < 50; i++)
        {
            var a = new NodeId((ulong)random.NextInt64());
            var b = new NodeId(unchecked(a.Value + (ulong)random.NextInt64(1, long.MaxValue)));
            var c = new NodeId(unchecked(b.Value + (ulong)random.NextInt64(1, long.MaxValue / 2)));

            Assert.That(store.DigestRange(a, b).Add(store.DigestRange(b, c)), Is.EqualTo(store.DigestRange(a, c)),
                $"digest{Arc(a, b)} + digest{Arc(b, c)} should equal digest{Arc(a, c)}, so replicas can bisect an arc");
        }
    }

    [Test]
    public void Digest_of_an_empty_arc_is_empty()
    {
        var store = new VersionedStore();

        Assert.That(store.DigestRange(NodeId.Zero, NodeId.Zero), Is.EqualTo(RangeDigest.Empty), "no entries, empty digest");
    }
}
