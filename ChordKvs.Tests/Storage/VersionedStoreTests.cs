using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class VersionedStoreTests
{
    private static readonly DateTimeOffset PurgeTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_086_400_000);

    private static EntryVersion Version(long milliseconds, ulong writer = 1) => new(new HybridTimestamp(milliseconds, 0), new NodeId(writer));

    private static StoredEntry Value(string key, string json, EntryVersion version) => StoredEntry.Live(key, Encoding.UTF8.GetBytes(json), version);

    private static StoredEntry Tombstone(string key, EntryVersion version, DateTimeOffset? purgeAfter = null) =>
        StoredEntry.Tombstone(key, version, purgeAfter ?? PurgeTime);

    [Test]
    public void Missing_key_reads_as_null()
    {
        var store = new VersionedStore();

        Assert.That(store.Get("absent"), Is.Null, "nothing was written");
    }

    [Test]
    public void First_write_is_inserted_and_read_back_exactly()
    {
        var store = new VersionedStore();
        var entry = Value("k", "{ \"a\" : 1 }", Version(100));

        var result = store.Apply(entry);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(new ApplyResult(ApplyOutcome.Inserted, null)), "a new key is inserted, with nothing before it");
            Assert.That(store.Get("k"), Is.SameAs(entry), "the stored entry is the one written");
        });
    }

    [Test]
    public void Newer_write_replaces_and_reports_the_previous_entry()
    {
        var store = new VersionedStore();
        var first = Value("k", "1", Version(100));
        var second = Value("k", "2", Version(200));
        store.Apply(first);

        var result = store.Apply(second);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Replaced), "a newer version replaces");
            Assert.That(result.Previous, Is.SameAs(first), "and names what it replaced");
            Assert.That(store.Get("k"), Is.SameAs(second), "the newer value is stored");
        });
    }

    [Test]
    public void Older_write_is_ignored_and_the_newer_entry_kept()
    {
        var store = new VersionedStore();
        var newer = Value("k", "\"new\"", Version(200));
        store.Apply(newer);

        var result = store.Apply(Value("k", "\"old\"", Version(100)));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Ignored), "an older write arriving late loses");
            Assert.That(result.Previous, Is.SameAs(newer), "the result names the entry that won");
            Assert.That(store.Get("k"), Is.SameAs(newer), "the newer value stays");
        });
    }

    [Test]
    public void Reapplying_the_same_version_is_ignored()
    {
        var store = new VersionedStore();
        var entry = Value("k", "1", Version(100));
        store.Apply(entry);

        var result = store.Apply(Value("k", "1", Version(100)));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Ignored), "an equal version is a duplicate delivery");
            Assert.That(store.Get("k"), Is.SameAs(entry), "the first copy stays");
            Assert.That(store.LiveCount, Is.EqualTo(1), "and is counted once");
        });
    }

    [Test]
    public void Equal_timestamps_are_decided_by_the_writer_id()
    {
        var store = new VersionedStore();
        var fromLargerWriter = Value("k", "\"b\"", Version(100, writer: 9));
        store.Apply(fromLargerWriter);

        var result = store.Apply(Value("k", "\"a\"", Version(100, writer: 3)));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Ignored), "the smaller writer id loses the tie");
            Assert.That(store.Get("k"), Is.SameAs(fromLargerWriter), "so every replica keeps the larger writer's value");
        });
    }

    [Test]
    public void Tombstone_beats_an_older_value()
    {
        var store = new VersionedStore();
        store.Apply(Value("k", "1", Version(100)));
        var delete = Tombstone("k", Version(200));

        var result = store.Apply(delete);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Replaced), "a newer delete replaces the value");
            Assert.That(store.Get("k"), Is.SameAs(delete), "the tombstone is returned by Get");
            Assert.That(store.Get("k")!.IsTombstone, Is.True, "and reads as deleted");
        });
    }

    [Test]
    public void Older_value_arriving_after_a_tombstone_does_not_resurrect_the_key()
    {
        var store = new VersionedStore();
        var delete = Tombstone("k", Version(200));
        store.Apply(delete);

        var result = store.Apply(Value("k", "1", Version(100)));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Ignored), "a stale replica's value loses to the delete");
            Assert.That(store.Get("k"), Is.SameAs(delete), "the key stays deleted");
        });
    }

    [Test]
    public void Newer_value_beats_a_tombstone()
    {
        var store = new VersionedStore();
        store.Apply(Tombstone("k", Version(100)));
        var rewrite = Value("k", "2", Version(200));

        var result = store.Apply(rewrite);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(ApplyOutcome.Replaced), "a write after the delete brings the key back");
            Assert.That(result.Previous!.IsTombstone, Is.True, "replacing the tombstone");
            Assert.That(store.Get("k"), Is.SameAs(rewrite), "the new value is stored");
        });
    }

    [Test]
    public void Outcome_does_not_depend_on_arrival_order()
    {
        var writes = new[]
        {
            Value("k", "1", Version(100)),
            Tombstone("k", Version(300)),
            Value("k", "2", Version(200)),
            Value("k", "3", Version(300, writer: 2)),
        };
        var random = new Random(7);

        for (var trial = 0; trial < 20; trial++)
        {
            var store = new VersionedStore();
            var order = writes.OrderBy(_ => random.Next()).ToList();
            foreach (var write in order)
            {
                store.Apply(write);
            }

            Assert.That(store.Get("k"), Is.SameAs(writes[3]),
                $"order {string.Join(", ", order.Select(w => w.Version.ToToken()))} should end with the greatest version");
        }
    }

    [Test]
    public void Counts_follow_inserts_replacements_and_deletes()
    {
        var store = new VersionedStore();
        store.Apply(Value("a", "12345", Version(1)));
        store.Apply(Value("b", "123", Version(1)));
        store.Apply(Value("c", "1", Version(1)));
        store.Apply(Value("a", "12", Version(2)));
        store.Apply(Tombstone("b", Version(2)));
        store.Apply(Tombstone("d", Version(2)));

        Assert.Multiple(() =>
        {
            Assert.That(store.LiveCount, Is.EqualTo(2), "a and c hold values");
            Assert.That(store.TombstoneCount, Is.EqualTo(2), "b and d are deleted");
            Assert.That(store.ValueBytes, Is.EqualTo(3), "\"12\" and \"1\" are 3 bytes; replaced and deleted values no longer count");
        });
    }

    [Test]
    public void Expired_tombstones_are_purged_and_others_kept()
    {
        var store = new VersionedStore();
        store.Apply(Tombstone("early", Version(1), PurgeTime.AddMinutes(-1)));
        store.Apply(Tombstone("exact", Version(1), PurgeTime));
        store.Apply(Tombstone("late", Version(1), PurgeTime.AddMinutes(1)));
        store.Apply(Value("live", "1", Version(1)));

        var purged = store.PurgeExpiredTombstones(PurgeTime);

        Assert.Multiple(() =>
        {
            Assert.That(purged, Is.EqualTo(1), "only the tombstone whose purge time has passed");
            Assert.That(store.Get("early"), Is.Null, "the expired tombstone is gone");
            Assert.That(store.Get("exact"), Is.Not.Null, "a tombstone is kept at its purge time itself");
            Assert.That(store.Get("late"), Is.Not.Null, "a younger tombstone is kept");
            Assert.That(store.Get("live"), Is.Not.Null, "values are never purged");
            Assert.That(store.TombstoneCount, Is.EqualTo(2), "the tombstone count drops by one");
            Assert.That(store.LiveCount, Is.EqualTo(1), "the live count is unchanged");
        });
    }

    [Test]
    public void Purge_leaves_every_survivor_findable_in_a_crowded_bucket()
    {
        var store = new VersionedStore(bucketBits: 0);
        for (var i = 0; i < 2000; i++)
        {
            store.Apply(i % 3 == 0
                ? Tombstone($"key{i}", Version(1), PurgeTime.AddSeconds(-1))
                : Value($"key{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Version(1)));
        }

        var purged = store.PurgeExpiredTombstones(PurgeTime);

        Assert.That(purged, Is.EqualTo(667), "every third of 2000 keys was an expired tombstone");
        for (var i = 0; i < 2000; i++)
        {
            var entry = store.Get($"key{i}");
            if (i % 3 == 0)
            {
                Assert.That(entry, Is.Null, $"key{i} was purged");
            }
            else
            {
                Assert.That(entry?.Value, Is.EqualTo(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), $"key{i} survives the rebuild");
            }
        }
    }

    [Test]
    public void Many_keys_in_one_bucket_stay_findable_as_the_table_grows()
    {
        var store = new VersionedStore(bucketBits: 0);
        var entries = Enumerable.Range(0, 5000).Select(i => Value($"key{i}", "1", Version(1))).ToList();

        foreach (var entry in entries)
        {
            Assert.That(store.Apply(entry).Outcome, Is.EqualTo(ApplyOutcome.Inserted), $"{entry.Key} is new");
        }

        Assert.Multiple(() =>
        {
            Assert.That(entries.All(e => ReferenceEquals(store.Get(e.Key), e)), Is.True, "every key is found after repeated growth");
            Assert.That(store.Get("key5000"), Is.Null, "a key never written is not found");
            Assert.That(store.LiveCount, Is.EqualTo(5000), "count");
        });
    }

    [Test]
    public void Concurrent_writers_of_distinct_keys_lose_nothing()
    {
        var store = new VersionedStore(bucketBits: 4);

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, writer =>
        {
            for (var i = 0; i < 5000; i++)
            {
                store.Apply(Value($"w{writer}/k{i}", "12", Version(1, (ulong)writer)));
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(store.LiveCount, Is.EqualTo(20_000), "every insert counted");
            Assert.That(store.ValueBytes, Is.EqualTo(40_000), "every value's bytes counted");
            Assert.That(store.GetRange(NodeId.Zero, NodeId.Zero), Has.Count.EqualTo(20_000), "every entry stored");
        });
    }

    [Test]
    public void Bucket_bits_outside_the_supported_range_are_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new VersionedStore(-1), Throws.InstanceOf<ArgumentOutOfRangeException>(), "negative");
            Assert.That(() => new VersionedStore(VersionedStore.MaxBucketBits + 1), Throws.InstanceOf<ArgumentOutOfRangeException>(), "too many buckets");
        });
    }
}
