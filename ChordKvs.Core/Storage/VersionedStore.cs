using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Storage;

/// <summary>
/// A node's local store: every key this node holds a replica of, each with its newest known
/// <see cref="StoredEntry"/>. Writes merge by last-writer-wins, so local writes, replication, read repair and
/// range hand-off all use the same <see cref="Apply"/>. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Entries are spread over 2^<c>bucketBits</c> buckets by the top bits of their key identifier, so a bucket is
/// a contiguous arc of the ring. Point operations lock one bucket and are O(1); range operations visit only the
/// buckets that overlap the arc, which is what lets a joining or leaving node's whole range move in one batch.
/// Buckets are created on first use, so a store for a small simulated node costs little more than the bucket
/// array.
/// </para>
/// <para>
/// Range operations lock one bucket at a time: each entry they return is as it was when its bucket was
/// visited, and a write racing with them may or may not be included. Last-writer-wins makes that harmless —
/// whatever is missed arrives again by replication or anti-entropy and merges the same way.
/// </para>
/// <para>
/// Memory: measured at about 142 bytes per key besides the key's characters and the value's bytes, for
/// 1,000,000 eight-character keys with 11-byte values (<see cref="GC.GetTotalMemory(bool)"/> after a full
/// collection, before and after inserting). Roughly 64 for the <see cref="StoredEntry"/>, 32 for the key string's
/// header and padding, 29 for the value array's, and 17 for the bucket's slot array at its load factor.
/// </para>
/// </remarks>
public sealed class VersionedStore
{
    /// <summary>The default bucket count is 2^12 = 4096: a few hundred keys per bucket at a million keys.</summary>
    public const int DefaultBucketBits = 12;

    /// <summary>The most buckets a store may have, 2^20.</summary>
    public const int MaxBucketBits = 20;

    private readonly EntryTable?[] _buckets;
    private readonly int _bucketBits;
    private int _liveCount;
    private int _tombstoneCount;
    private long _valueBytes;

    /// <summary>Creates an empty store with <see cref="DefaultBucketBits"/>.</summary>
    public VersionedStore()
        : this(DefaultBucketBits)
    {
    }

    /// <summary>Creates an empty store with 2^<paramref name="bucketBits"/> buckets.</summary>
    /// <param name="bucketBits">0 to <see cref="MaxBucketBits"/>; fewer suit the many small stores of a simulation.</param>
    public VersionedStore(int bucketBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucketBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucketBits, MaxBucketBits);
        _bucketBits = bucketBits;
        _buckets = new EntryTable?[1 << bucketBits];
    }

    /// <summary>How many keys hold a live value.</summary>
    public int LiveCount => Volatile.Read(ref _liveCount);

    /// <summary>How many keys hold a tombstone that has not been purged yet.</summary>
    public int TombstoneCount => Volatile.Read(ref _tombstoneCount);

    /// <summary>The total size of all live values, in bytes.</summary>
    public long ValueBytes => Interlocked.Read(ref _valueBytes);

    /// <summary>The entry stored for <paramref name="key"/>, tombstone included, or null when there is none.</summary>
    public StoredEntry? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyId = NodeId.ForKey(key);
        var table = Volatile.Read(ref _buckets[BucketOf(keyId)]);
        if (table is null)
        {
            return null;
        }

        lock (table)
        {
            return table.At(table.FindSlot(keyId, key));
        }
    }

    /// <summary>
    /// Merges <paramref name="incoming"/> into the store: it is kept when the key is absent or its stored version
    /// is older, and dropped when the stored version is newer or equal (so applying the same entry twice is
    /// harmless, and the order in which replicas receive writes does not matter).
    /// </summary>
    public ApplyResult Apply(StoredEntry incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var table = GetOrCreateBucket(BucketOf(incoming.KeyId));
        lock (table)
        {
            var slot = table.FindSlot(incoming.KeyId, incoming.Key);
            var existing = table.At(slot);
            if (existing is null)
            {
                table.InsertAt(slot, incoming);
                Account(removed: null, added: incoming);
                return new ApplyResult(ApplyOutcome.Inserted, null);
            }

            if (incoming.Version <= existing.Version)
            {
                return new ApplyResult(ApplyOutcome.Ignored, existing);
            }

            table.ReplaceAt(slot, incoming);
            Account(removed: existing, added: incoming);
            return new ApplyResult(ApplyOutcome.Replaced, existing);
        }
    }

    /// <summary>
    /// The entries, tombstones included, whose key identifier lies in the arc
    /// (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>]; equal bounds mean the whole circle.
    /// </summary>
    /// <returns>The entries in ring order, clockwise from <paramref name="fromExclusive"/> (ties by key, ordinal).</returns>
    public IReadOnlyList<StoredEntry> GetRange(NodeId fromExclusive, NodeId toInclusive)
    {
        var found = new List<StoredEntry>();
        foreach (var table in BucketsOverlapping(fromExclusive, toInclusive))
        {
            lock (table)
            {
                foreach (var entry in table.Slots)
                {
                    if (entry is not null && RingInterval.IsInHalfOpen(entry.KeyId, fromExclusive, toInclusive))
                    {
                        found.Add(entry);
                    }
                }
            }
        }

        SortClockwise(found, fromExclusive);
        return found;
    }

    /// <summary>
    /// Removes the entries, tombstones included, whose key identifier lies in the arc
    /// (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>]; equal bounds mean the whole circle.
    /// </summary>
    /// <returns>The removed entries in ring order, as <see cref="GetRange"/> orders them.</returns>
    public IReadOnlyList<StoredEntry> RemoveRange(NodeId fromExclusive, NodeId toInclusive)
    {
        var removed = new List<StoredEntry>();
        foreach (var table in BucketsOverlapping(fromExclusive, toInclusive))
        {
            lock (table)
            {
                var start = removed.Count;
                table.RemoveWhere(entry => RingInterval.IsInHalfOpen(entry.KeyId, fromExclusive, toInclusive), removed);
                AccountRemovals(removed, start);
            }
        }

        SortClockwise(removed, fromExclusive);
        return removed;
    }

    /// <summary>
    /// Removes the entry stored for <paramref name="entry"/>'s key if it is still exactly that version, so that a
    /// node handing an entry to other nodes can forget it without losing a newer write that arrived meanwhile.
    /// </summary>
    /// <returns>Whether the entry was removed.</returns>
    public bool RemoveIfUnchanged(StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = Volatile.Read(ref _buckets[BucketOf(entry.KeyId)]);
        if (table is null)
        {
            return false;
        }

        lock (table)
        {
            var removed = new List<StoredEntry>(1);
            table.RemoveWhere(stored => stored.KeyId == entry.KeyId && stored.Version == entry.Version && string.Equals(stored.Key, entry.Key, StringComparison.Ordinal), removed);
            AccountRemovals(removed, 0);
            return removed.Count > 0;
        }
    }

    /// <summary>Forgets every tombstone whose purge time lies strictly before <paramref name="now"/>.</summary>
    /// <returns>How many tombstones were purged.</returns>
    public int PurgeExpiredTombstones(DateTimeOffset now)
    {
        var purged = new List<StoredEntry>();
        foreach (var table in _buckets)
        {
            if (table is null)
            {
                continue;
            }

            lock (table)
            {
                if (table.TombstoneCount > 0)
                {
                    var start = purged.Count;
                    table.RemoveWhere(entry => entry.IsPurgeableAt(now), purged);
                    AccountRemovals(purged, start);
                }
            }
        }

        return purged.Count;
    }

    /// <summary>
    /// Turns every value whose expiry is at or before <paramref name="now"/> into the tombstone of the same version
    /// (<see cref="StoredEntry.AsOf"/>), freeing the value; the tombstone is purged <paramref name="gracePeriod"/>
    /// after the expiry. The version, and so the range digest, is unchanged, so replicas that have not expired the
    /// value yet do not count as different.
    /// </summary>
    /// <returns>How many values expired.</returns>
    public int ExpireValues(DateTimeOffset now, TimeSpan gracePeriod)
    {
        var expired = 0;
        foreach (var table in _buckets)
        {
            if (table is null)
            {
                continue;
            }

            lock (table)
            {
                for (var slot = 0; table.ExpiringCount > 0 && slot < table.Slots.Length; slot++)
                {
                    if (table.At(slot) is { } entry && entry.IsExpiredAt(now))
                    {
                        var tombstone = entry.AsOf(now, gracePeriod);
                        table.ReplaceAt(slot, tombstone);
                        Account(entry, tombstone);
                        expired++;
                    }
                }
            }
        }

        return expired;
    }

    /// <summary>
    /// The digest of the entries, tombstones included, whose key identifier lies in the arc
    /// (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>]; equal bounds mean the whole circle.
    /// </summary>
    public RangeDigest DigestRange(NodeId fromExclusive, NodeId toInclusive)
    {
        var digest = RangeDigest.Empty;
        foreach (var table in BucketsOverlapping(fromExclusive, toInclusive))
        {
            lock (table)
            {
                foreach (var entry in table.Slots)
                {
                    if (entry is not null && RingInterval.IsInHalfOpen(entry.KeyId, fromExclusive, toInclusive))
                    {
                        digest = digest.Add(RangeDigest.Of(entry));
                    }
                }
            }
        }

        return digest;
    }

    private int BucketOf(NodeId id) => _bucketBits == 0 ? 0 : (int)(id.Value >> (NodeId.Bits - _bucketBits));

    private EntryTable GetOrCreateBucket(int index)
    {
        var table = Volatile.Read(ref _buckets[index]);
        if (table is not null)
        {
            return table;
        }

        var created = new EntryTable();
        return Interlocked.CompareExchange(ref _buckets[index], created, null) ?? created;
    }

    // The existing buckets that can hold identifiers of the arc, walking clockwise from the one holding its
    // first identifier to the one holding its last.
    private IEnumerable<EntryTable> BucketsOverlapping(NodeId fromExclusive, NodeId toInclusive)
    {
        var bucketCount = _buckets.Length;
        int first;
        int count;
        if (fromExclusive == toInclusive)
        {
            (first, count) = (0, bucketCount);
        }
        else
        {
            var firstId = new NodeId(unchecked(fromExclusive.Value + 1));
            first = BucketOf(firstId);
            var last = BucketOf(toInclusive);

            // Both ends in one bucket: either the arc fits inside it, or it starts there, runs around the
            // whole circle and comes back into it from below.
            count = first == last
                ? (firstId <= toInclusive ? 1 : bucketCount)
                : ((last - first + bucketCount) % bucketCount) + 1;
        }

        for (var step = 0; step < count; step++)
        {
            if (Volatile.Read(ref _buckets[(first + step) % bucketCount]) is { } table)
            {
                yield return table;
            }
        }
    }

    // Ring order within (origin, …]: by distance from the arc's first identifier, origin + 1, so that on the whole
    // circle (origin, origin] the origin itself, a full turn away, comes last.
    private static void SortClockwise(List<StoredEntry> entries, NodeId origin)
    {
        var first = new NodeId(unchecked(origin.Value + 1));
        entries.Sort((a, b) =>
        {
            var byPosition = first.DistanceTo(a.KeyId).CompareTo(first.DistanceTo(b.KeyId));
            return byPosition != 0 ? byPosition : string.CompareOrdinal(a.Key, b.Key);
        });
    }

    private void AccountRemovals(List<StoredEntry> removed, int start)
    {
        for (var index = start; index < removed.Count; index++)
        {
            Account(removed[index], added: null);
        }
    }

    // Keeps the store-wide counters; called under the bucket lock, atomic so other buckets can update at once.
    private void Account(StoredEntry? removed, StoredEntry? added)
    {
        var live = (added is { IsTombstone: false } ? 1 : 0) - (removed is { IsTombstone: false } ? 1 : 0);
        var tombstones = (added is { IsTombstone: true } ? 1 : 0) - (removed is { IsTombstone: true } ? 1 : 0);
        var bytes = (long)(added?.ValueLength ?? 0) - (removed?.ValueLength ?? 0);
        if (live != 0)
        {
            Interlocked.Add(ref _liveCount, live);
        }

        if (tombstones != 0)
        {
            Interlocked.Add(ref _tombstoneCount, tombstones);
        }

        if (bytes != 0)
        {
            Interlocked.Add(ref _valueBytes, bytes);
        }
    }
}
