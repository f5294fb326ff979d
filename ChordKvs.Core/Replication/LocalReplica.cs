using System.Collections.Immutable;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Replication;

/// <summary>
/// This node's copy of the keys it replicates: the <see cref="VersionedStore"/> together with the
/// <see cref="HybridLogicalClock"/> that must see every version arriving from elsewhere, and the answers the node
/// gives other nodes about its copy (reads, digests, pages of a range).
/// </summary>
/// <remarks>
/// Every entry that comes from another node goes through <see cref="Merge"/>, so the clock observes it: a later
/// write coordinated here is then stamped newer than anything this node has stored, even when its physical clock
/// lags the writer's.
/// </remarks>
internal sealed class LocalReplica
{
    /// <summary>The most entries one page of a range transfer carries, whatever the asker wants.</summary>
    public const int MaxPageSize = 4096;

    public LocalReplica(VersionedStore store, HybridLogicalClock clock)
    {
        Store = store;
        Clock = clock;
    }

    public VersionedStore Store { get; }

    public HybridLogicalClock Clock { get; }

    /// <summary>Merges an entry from anywhere (last writer wins) after letting the clock observe its version.</summary>
    public ApplyResult Merge(StoredEntry entry)
    {
        Clock.Observe(entry.Version.Timestamp);
        return Store.Apply(entry);
    }

    /// <summary>Merges a batch of entries; returns how many were newer than what this node held.</summary>
    public int MergeAll(IEnumerable<StoredEntry> entries)
    {
        var taken = 0;
        foreach (var entry in entries)
        {
            if (Merge(entry).Outcome != ApplyOutcome.Ignored)
            {
                taken++;
            }
        }

        return taken;
    }

    /// <summary>The digests of the parts of an arc, as <see cref="RangeDigestRequest"/> asks for them.</summary>
    public ImmutableArray<RangeDigest> Digests(RingArc arc, int segments)
    {
        var parts = arc.Split(Math.Clamp(segments, 1, RingArc.MaxSegments));
        var digests = ImmutableArray.CreateBuilder<RangeDigest>(parts.Length);
        foreach (var part in parts)
        {
            digests.Add(Store.DigestRange(part.FromExclusive, part.ToInclusive));
        }

        return digests.MoveToImmutable();
    }

    /// <summary>
    /// One page of the entries in the request's arc, continuing after its cursor: entries in ring order, then by key,
    /// exactly as <see cref="VersionedStore.GetRange"/> lists them.
    /// </summary>
    public RangeFetchReply Page(RangeFetchRequest request)
    {
        var arc = new RingArc(request.FromExclusive, request.ToInclusive);
        var limit = Math.Clamp(request.Limit, 1, MaxPageSize);
        IEnumerable<StoredEntry> remaining;
        if (request.After is { } cursor)
        {
            if (!arc.Contains(cursor.KeyId))
            {
                return new RangeFetchReply([], null);
            }

            // The rest of the arc starts at the cursor's own position: keys that share it and sort after the
            // cursor's key come next.
            var rest = Store.GetRange(new NodeId(unchecked(cursor.KeyId.Value - 1)), request.ToInclusive);
            remaining = rest.Where(entry => entry.KeyId != cursor.KeyId || string.CompareOrdinal(entry.Key, cursor.Key) > 0);
        }
        else
        {
            remaining = Store.GetRange(request.FromExclusive, request.ToInclusive);
        }

        var page = remaining.Take(limit + 1).ToList();
        if (page.Count <= limit)
        {
            return new RangeFetchReply([.. page], null);
        }

        page.RemoveAt(limit);
        var last = page[^1];
        return new RangeFetchReply([.. page], new RangeCursor(last.KeyId, last.Key));
    }
}
