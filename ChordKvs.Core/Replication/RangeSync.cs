using System.Collections.Immutable;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Brings this node and one peer to the same entries over an arc of the ring, in both directions: every entry
/// either holds ends up on both, each key at the newest version either had. It is how keys move when membership
/// changes — a joining node takes its ranges from its successor, a leaving node hands its keys to its successor —
/// and how anti-entropy repairs replicas that nobody reads.
/// </summary>
/// <remarks>
/// <para>
/// The arc is cut into parts (<see cref="ReplicationOptions.AntiEntropySegments"/>) and the two sides' digests of
/// each part compared, so parts on which the replicas already agree cost one hash each. A part that differs and
/// holds few entries is transferred: the peer's entries are fetched page by page (at most
/// <see cref="ReplicationOptions.TransferBatchSize"/> each), the newer ones merged here, and the entries this node
/// has newer or alone are pushed back in batches. A part that differs but holds many entries is cut again, like a
/// walk down a Merkle tree, so a large range with a few differences moves little.
/// </para>
/// <para>
/// Each side's view of the arc is read one bucket at a time while writes go on; whatever a sync misses is merged by
/// the next one, since merging is last-writer-wins and idempotent.
/// </para>
/// </remarks>
internal sealed class RangeSync
{
    private readonly LocalReplica _local;
    private readonly INodeTransport _transport;
    private readonly ReplicationOptions _options;

    public RangeSync(LocalReplica local, INodeTransport transport, ReplicationOptions options)
    {
        _local = local;
        _transport = transport;
        _options = options;
    }

    /// <summary>Synchronises <paramref name="arc"/> with <paramref name="peer"/>.</summary>
    /// <returns>How many entries were taken from the peer and how many were sent to it.</returns>
    /// <exception cref="NodeUnreachableException">The peer stopped answering; what was merged so far stays merged.</exception>
    public async Task<RangeSyncResult> SyncAsync(NodeInfo peer, RingArc arc, CancellationToken cancellationToken)
    {
        var total = new RangeSyncResult(0, 0);
        var pending = new Stack<RingArc>();
        pending.Push(arc);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            var segments = _options.AntiEntropySegments;
            var parts = current.Split(segments);
            var remote = await _transport.CallAsync(peer, new RangeDigestRequest(current.FromExclusive, current.ToInclusive, segments), cancellationToken);
            var local = _local.Digests(current, segments);
            if (remote.Digests.Length != parts.Length)
            {
                throw new NodeUnreachableException(peer, $"answered a digest of {remote.Digests.Length} parts where {parts.Length} were asked for");
            }

            // Later parts are pushed first so that parts are transferred in ring order.
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                if (remote.Digests[i] == local[i])
                {
                    continue;
                }

                var size = Math.Max(remote.Digests[i].Count, local[i].Count);
                if (size > 2 * _options.TransferBatchSize && parts.Length > 1 && parts[i].Length > 1)
                {
                    pending.Push(parts[i]);
                }
                else
                {
                    total += await TransferAsync(peer, parts[i], cancellationToken);
                }
            }
        }

        return total;
    }

    /// <summary>Exchanges the entries of one part: fetch the peer's, merge the newer, push back what the peer lacks.</summary>
    private async Task<RangeSyncResult> TransferAsync(NodeInfo peer, RingArc part, CancellationToken cancellationToken)
    {
        var theirs = new Dictionary<string, EntryVersion>(StringComparer.Ordinal);
        var taken = 0;
        RangeCursor? cursor = null;
        do
        {
            var page = await _transport.CallAsync(peer, new RangeFetchRequest(part.FromExclusive, part.ToInclusive, cursor, _options.TransferBatchSize), cancellationToken);
            foreach (var entry in page.Entries)
            {
                theirs[entry.Key] = entry.Version;
            }

            taken += _local.MergeAll(page.Entries);
            cursor = page.Next;
        }
        while (cursor is not null);

        var sent = 0;
        var batch = ImmutableArray.CreateBuilder<StoredEntry>(_options.TransferBatchSize);
        foreach (var entry in _local.Store.GetRange(part.FromExclusive, part.ToInclusive))
        {
            if (theirs.TryGetValue(entry.Key, out var version) && version >= entry.Version)
            {
                continue;
            }

            batch.Add(entry);
            if (batch.Count == _options.TransferBatchSize)
            {
                sent += await PushAsync(peer, batch, cancellationToken);
            }
        }

        if (batch.Count > 0)
        {
            sent += await PushAsync(peer, batch, cancellationToken);
        }

        return new RangeSyncResult(taken, sent);
    }

    private async Task<int> PushAsync(NodeInfo peer, ImmutableArray<StoredEntry>.Builder batch, CancellationToken cancellationToken)
    {
        var entries = batch.DrainToImmutable();
        await _transport.CallAsync(peer, new RangePushRequest(entries), cancellationToken);
        return entries.Length;
    }
}

/// <summary>What one <see cref="RangeSync.SyncAsync"/> moved.</summary>
/// <param name="Taken">Entries taken from the peer because they were newer or missing here.</param>
/// <param name="Sent">Entries sent to the peer because they were newer or missing there.</param>
internal readonly record struct RangeSyncResult(int Taken, int Sent)
{
    public static RangeSyncResult operator +(RangeSyncResult left, RangeSyncResult right) => new(left.Taken + right.Taken, left.Sent + right.Sent);
}
