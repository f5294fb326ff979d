using System.Collections.Immutable;
using ChordKvs.Core.Diagnostics;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Moves whole arcs of the ring between nodes so that every key ends up on its N replicas: a node keeps its own
/// range — (predecessor, self] — in step with each of its replicas, takes over a range from its successor when its
/// predecessor changes, and hands its range to its successor before leaving.
/// </summary>
/// <remarks>
/// One pass compares the digest of the node's range with each replica's digest of the same arc; only where they
/// differ are entries exchanged, both ways, in batches, and merged last-writer-wins. So a pass over replicas that
/// agree costs one small message each, and the same pass repairs a replica that missed writes, a replica that
/// is new after a join or a failure, and a primary that lags behind a replica.
/// </remarks>
internal sealed class RangeReplicator(
    ChordNode ring,
    VersionedStore store,
    INodeTransport transport,
    ReplicationOptions options,
    TimeProvider time,
    ChordKvsMetrics? metrics)
{
    private NodeId? _rangeStartPulled;

    /// <summary>One anti-entropy pass over this node's own range; also expires values and purges expired tombstones.</summary>
    public async Task SynchronizeAsync(CancellationToken cancellationToken)
    {
        store.ExpireValues(time.GetUtcNow(), options.TombstoneGracePeriod);
        store.PurgeExpiredTombstones(time.GetUtcNow());
        var state = ring.Routing;
        if (state.IsAlone || state.Predecessor is not { } predecessor)
        {
            return;
        }

        var from = predecessor.Id;
        var to = state.Self.Id;

        // A new predecessor means this node's range changed: whatever part of it is new was held by the successor
        // (the old primary, or a replica of a failed one), so take it from there first.
        if (_rangeStartPulled != from)
        {
            await PullAsync(state.Successor, from, to, cancellationToken);
            _rangeStartPulled = from;
        }

        var outOfSync = 0;
        foreach (var replica in ReplicaSet.Of(state, options.ReplicaCount).RemoveAt(0))
        {
            try
            {
                var theirs = await transport.CallAsync(replica, new RangeDigestRequest(from, to), cancellationToken);
                if (theirs.Digest == store.DigestRange(from, to))
                {
                    continue;
                }

                outOfSync++;
                metrics?.RangeOutOfSync();
                await PullAsync(replica, from, to, cancellationToken);
                await PushAsync(replica, store.GetRange(from, to), cancellationToken);
            }
            catch (NodeUnreachableException)
            {
                // The replica is down or unreachable; the next pass, on the next routing change or period, retries.
            }
        }

        metrics?.AntiEntropyPassCompleted(outOfSync);
    }

    /// <summary>
    /// During a join, before the node is announced to its predecessor: takes the new range (predecessor, self] from
    /// the successor, which held it until now, so that the node holds its keys before lookups lead to it. The pass
    /// after the predecessor is adopted does not pull the same range again.
    /// </summary>
    public async Task TakeOverAsync(NodeInfo predecessor, NodeInfo successor, CancellationToken cancellationToken)
    {
        await PullAsync(successor, predecessor.Id, ring.Self.Id, cancellationToken);
        _rangeStartPulled = predecessor.Id;
    }

    /// <summary>Before a graceful leave: hands every entry of this node's range to its successor, the next primary.</summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        var state = ring.Routing;
        if (state.IsAlone)
        {
            return;
        }

        var from = state.Predecessor?.Id ?? state.Self.Id;
        await PushAsync(state.Successor, store.GetRange(from, state.Self.Id), cancellationToken);
    }

    /// <summary>Answers another node's request for a batch of entries.</summary>
    public RangeEntriesReply Fetch(RangeFetchRequest request)
    {
        var entries = store.GetRange(request.FromExclusive, request.ToInclusive);
        var take = Math.Min(entries.Count, Math.Max(1, request.Limit));

        // Keep entries that share a key identifier in one batch, since the next batch starts after that identifier.
        while (take < entries.Count && entries[take].KeyId == entries[take - 1].KeyId)
        {
            take++;
        }

        metrics?.EntriesSent(take);
        return new RangeEntriesReply([.. entries.Take(take)], take < entries.Count);
    }

    /// <summary>Merges entries another node handed over.</summary>
    public void Accept(ImmutableArray<StoredEntry> entries)
    {
        metrics?.EntriesReceived(entries.Length);
        foreach (var entry in entries)
        {
            store.Apply(entry);
        }
    }

    private async Task PullAsync(NodeInfo source, NodeId from, NodeId to, CancellationToken cancellationToken)
    {
        if (source.Id == ring.Self.Id)
        {
            return;
        }

        var start = from;
        while (true)
        {
            RangeEntriesReply batch;
            try
            {
                batch = await transport.CallAsync(source, new RangeFetchRequest(start, to, options.TransferBatchSize), cancellationToken);
            }
            catch (NodeUnreachableException)
            {
                return;
            }

            Accept(batch.Entries);
            if (!batch.More || batch.Entries.IsEmpty)
            {
                return;
            }

            start = batch.Entries[^1].KeyId;
        }
    }

    private async Task PushAsync(NodeInfo target, IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken)
    {
        if (target.Id != ring.Self.Id)
        {
            await PushAsync(transport, target, entries, options.TransferBatchSize, metrics, cancellationToken);
        }
    }

    /// <summary>
    /// Hands <paramref name="entries"/> to <paramref name="target"/> in batches of at most <paramref name="batchSize"/>,
    /// counting the entries sent in <paramref name="metrics"/> when given.
    /// </summary>
    /// <exception cref="NodeUnreachableException">The target stopped answering; the batches before stay merged there.</exception>
    internal static async Task PushAsync(INodeTransport transport, NodeInfo target, IReadOnlyList<StoredEntry> entries, int batchSize, ChordKvsMetrics? metrics, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < entries.Count; offset += batchSize)
        {
            var batch = entries.Skip(offset).Take(batchSize).ToImmutableArray();
            await transport.CallAsync(target, new RangePushRequest(batch), cancellationToken);
            metrics?.EntriesSent(batch.Length);
        }
    }
}
