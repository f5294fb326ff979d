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
/// One pass compares the digest of the node's range with each replica's digest of the same arc; where they differ,
/// the arc is narrowed down by the digests of its parts (<see cref="NarrowDownAsync"/>), and only the parts that
/// still differ a moment later have their entries exchanged, both ways, in batches, and merged last-writer-wins. So a
/// pass over replicas that agree costs one small message each, and the same pass repairs a replica that missed
/// writes, a replica that is new after a join or a failure, and a primary that lags behind a replica.
/// </remarks>
internal sealed class RangeReplicator(
    ChordNode ring,
    VersionedStore store,
    INodeTransport transport,
    ReplicationOptions options,
    TimeProvider time,
    ChordKvsMetrics? metrics)
{
    /// <summary>How many parts an arc whose digests differ is split into to find where.</summary>
    private const int ArcParts = 16;

    /// <summary>
    /// Up to how many entries an arc that differs is exchanged whole rather than split: a split costs
    /// <see cref="ArcParts"/> digest calls, about what moving this many entries costs.
    /// </summary>
    private const int SmallArcEntries = 64;

    /// <summary>
    /// How often an arc is split at most: 16^6 parts, more than a node's range usually holds keys. An arc at that depth
    /// is exchanged whole however many entries it has.
    /// </summary>
    private const int MaxSplitDepth = 6;

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
                var differing = new List<DifferingArc>();
                await NarrowDownAsync(replica, from, to, theirs.Digest, depth: 0, differing, cancellationToken);
                if (differing.Count > 0 && await ExchangeAsync(replica, differing, cancellationToken))
                {
                    outOfSync++;
                    metrics?.RangeOutOfSync();
                }
            }
            catch (NodeUnreachableException)
            {
                // The replica is down or unreachable; the next pass, on the next routing change or period, retries.
            }
        }

        metrics?.AntiEntropyPassCompleted(outOfSync);
    }

    /// <summary>
    /// Finds where <paramref name="replica"/> and this node differ over the arc (<paramref name="from"/>,
    /// <paramref name="to"/>], whose digest on the replica is <paramref name="theirs"/>, and adds those arcs to
    /// <paramref name="differing"/>. An arc that differs is split into <see cref="ArcParts"/> equal parts, whose digests
    /// are compared in turn, until what differs is small (<see cref="SmallArcEntries"/>) or one side lacks much of it.
    /// </summary>
    private async Task NarrowDownAsync(NodeInfo replica, NodeId from, NodeId to, RangeDigest theirs, int depth, List<DifferingArc> differing, CancellationToken cancellationToken)
    {
        var ours = store.DigestRange(from, to);
        if (ours == theirs)
        {
            return;
        }

        var (fewer, more) = (Math.Min(ours.Count, theirs.Count), Math.Max(ours.Count, theirs.Count));
        var lacking = more > SmallArcEntries && fewer < more / 2;
        var span = from.DistanceTo(to);
        if (lacking || more <= SmallArcEntries || depth == MaxSplitDepth || (span != 0 && span < ArcParts))
        {
            // Small, or one side lacks much of it (a new or emptied replica): splitting further would cost more calls
            // than it saves entries. What one side lacks is no write on its way, so it is not worth waiting for.
            differing.Add(new DifferingArc(from, to, Settle: !lacking));
            return;
        }

        var ends = SplitArc(from, to, ArcParts);
        var starts = ends.Prepend(from).ToArray();
        var digests = await Task.WhenAll(ends.Select((end, part) => transport.CallAsync(replica, new RangeDigestRequest(starts[part], end), cancellationToken)));
        for (var part = 0; part < ends.Length; part++)
        {
            await NarrowDownAsync(replica, starts[part], ends[part], digests[part].Digest, depth + 1, differing, cancellationToken);
        }
    }

    /// <summary>
    /// Exchanges the entries of the <paramref name="differing"/> arcs: those one side lacks much of at once, the others
    /// only if their digests still differ after <see cref="ReplicationOptions.ReplicaTimeout"/>; returns whether any
    /// entries were exchanged.
    /// </summary>
    /// <remarks>
    /// Under a steady stream of writes the digests of a range almost never agree, because some writes are on their way
    /// to one replica and not yet to the other. Exchanging every arc that differed at one moment moved entries that
    /// were about to arrive anyway: at first the whole range both ways on every pass (on three nodes taking 20,000
    /// writes a second, about 5,000 entries a second each way per node, docs/performance.md), and still thousands once
    /// the arcs were narrowed down. By the time the replica timeout has passed, every write then on its way has arrived
    /// or failed, so what still differs is what the replicas really lack.
    /// </remarks>
    private async Task<bool> ExchangeAsync(NodeInfo replica, List<DifferingArc> differing, CancellationToken cancellationToken)
    {
        var exchanged = false;
        foreach (var arc in differing.Where(arc => !arc.Settle))
        {
            exchanged = true;
            await ExchangeArcAsync(replica, arc, cancellationToken);
        }

        if (!differing.Any(arc => arc.Settle))
        {
            return exchanged;
        }

        await Task.Delay(options.ReplicaTimeout, time, cancellationToken);
        foreach (var arc in differing.Where(arc => arc.Settle))
        {
            var theirs = await transport.CallAsync(replica, new RangeDigestRequest(arc.From, arc.To), cancellationToken);
            if (theirs.Digest == store.DigestRange(arc.From, arc.To))
            {
                continue;
            }

            exchanged = true;
            await ExchangeArcAsync(replica, arc, cancellationToken);
        }

        return exchanged;
    }

    /// <summary>Takes the replica's entries of the arc, then gives it this node's, each side merging last-writer-wins.</summary>
    private async Task ExchangeArcAsync(NodeInfo replica, DifferingArc arc, CancellationToken cancellationToken)
    {
        await PullAsync(replica, arc.From, arc.To, cancellationToken);
        await PushAsync(replica, store.GetRange(arc.From, arc.To), cancellationToken);
    }

    /// <summary>
    /// The ends of <paramref name="parts"/> arcs of equal length that together make (<paramref name="from"/>,
    /// <paramref name="to"/>], in ring order; the last one is <paramref name="to"/>. Equal bounds are the whole circle.
    /// </summary>
    private static NodeId[] SplitArc(NodeId from, NodeId to, int parts)
    {
        var distance = from.DistanceTo(to);
        var span = distance == 0 ? UInt128.One << NodeId.Bits : distance;
        var ends = new NodeId[parts];
        for (var part = 1; part <= parts; part++)
        {
            ends[part - 1] = new NodeId(unchecked(from.Value + (ulong)(span * (uint)part / (uint)parts)));
        }

        return ends;
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

    /// <summary>An arc whose digests differed on this node and a replica.</summary>
    /// <param name="From">The arc's start, excluded.</param>
    /// <param name="To">The arc's end, included.</param>
    /// <param name="Settle">Whether to compare it again after the replica timeout before exchanging it (writes on their way).</param>
    private readonly record struct DifferingArc(NodeId From, NodeId To, bool Settle);
}
