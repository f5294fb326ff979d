using System.Collections.Immutable;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Keeps every key of this node's own range on N replicas, through membership changes and lost messages: the
/// re-replication and anti-entropy of one node, run as one background pass.
/// </summary>
/// <remarks>
/// <para>
/// A pass synchronises this node's primary range (predecessor, self] with each of the other N − 1 replicas
/// (<see cref="RangeSync"/>: digests first, so replicas that agree cost a few hashes). Because every node does this
/// for its own range, every key's replicas converge on the newest version any of them holds, and a node that has
/// newly entered a replica set is filled. The pass runs periodically
/// (<see cref="ReplicationOptions.AntiEntropyInterval"/>, jittered) and soon after a change of the predecessor or the
/// replica successors (<see cref="ReplicationOptions.RebalanceDelay"/>): a new successor must be filled, and a
/// predecessor farther back than before means the old one died and this node's range grew.
/// </para>
/// <para>
/// Each pass also purges tombstones whose grace period has passed, and at most once per interval, after every
/// replica was synchronised, drops the keys this node no longer replicates (see <see cref="CollectGarbageAsync"/>).
/// </para>
/// </remarks>
internal sealed partial class AntiEntropy : IDisposable
{
    private readonly NodeInfo _self;
    private readonly ChordNode _ring;
    private readonly LocalReplica _local;
    private readonly RangeSync _sync;
    private readonly INodeTransport _transport;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly BackgroundPass _pass;
    private DateTimeOffset _lastCollection;

    public AntiEntropy(NodeInfo self, ChordNode ring, LocalReplica local, RangeSync sync, INodeTransport transport, ReplicationOptions options, TimeProvider time, Random random, Action<Exception> onFailure, ILogger logger)
    {
        _self = self;
        _ring = ring;
        _local = local;
        _sync = sync;
        _transport = transport;
        _options = options;
        _time = time;
        _random = random;
        _logger = logger;
        _lastCollection = time.GetUtcNow();
        _pass = new BackgroundPass(time, RunAsync, NextPeriod, onFailure);
    }

    /// <summary>Starts the periodic passes and reacts to routing changes from now on.</summary>
    public void Start()
    {
        _ring.RoutingChanged += OnRoutingChanged;
        _pass.Start();
    }

    /// <summary>Asks for a pass soon, as after a routing change.</summary>
    public void RunSoon() => _pass.RunAfter(_options.RebalanceDelay);

    /// <summary>Stops the passes; a pass under way is cancelled.</summary>
    public void Dispose()
    {
        _ring.RoutingChanged -= OnRoutingChanged;
        _pass.Dispose();
    }

    /// <summary>One pass; see the class remarks.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var purged = _local.Store.PurgeExpiredTombstones(_time.GetUtcNow());
        if (purged > 0)
        {
            LogPurged(_self, purged);
        }

        var state = _ring.Routing;
        if (_ring.Status != ChordNodeStatus.Member || state.IsAlone || state.Predecessor is not { } predecessor)
        {
            // Alone, every key is this node's and there is nobody to copy it to; without a predecessor the range
            // is unknown until the next notify.
            return;
        }

        var range = new RingArc(predecessor.Id, _self.Id);
        var replicas = ReplicaSet.Of(state, _options.ReplicaCount)[1..];
        var synced = await Task.WhenAll(replicas.Select(peer => TrySyncAsync(peer, range, cancellationToken)));
        if (synced.All(ok => ok) && _time.GetUtcNow() - _lastCollection >= _options.AntiEntropyInterval)
        {
            _lastCollection = _time.GetUtcNow();
            await CollectGarbageAsync(state, cancellationToken);
        }
    }

    private async Task<bool> TrySyncAsync(NodeInfo peer, RingArc range, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _sync.SyncAsync(peer, range, cancellationToken);
            if (result.Taken > 0 || result.Sent > 0)
            {
                LogSynced(_self, range, peer, result.Taken, result.Sent);
            }

            return true;
        }
        catch (NodeUnreachableException exception)
        {
            // The replica is down or the ring is changing; the next pass tries again, with whatever the ring is then.
            LogSyncFailed(_self, peer, exception.Message);
            return false;
        }
    }

    /// <summary>
    /// Drops the entries this node holds but no longer replicates: everything outside (p_N, self], where p_N is the
    /// N-th predecessor, since this node replicates exactly the ranges of itself and its N − 1 predecessors. Keys end
    /// up outside when a node joins before them (the N-th replica is pushed out) or a replica set moves on.
    /// </summary>
    /// <remarks>
    /// The predecessors are found by walking predecessor pointers, asking each node for its own, and every node on
    /// the walk, p_N included, must answer. A predecessor pointer is never ahead of the real predecessor except when
    /// it names a dead node, which the walk detects; it may lag behind a node that has just joined, which only makes
    /// the arc kept larger. So the arc kept holds at least every range this node replicates. If anything is odd — a
    /// node that does not answer, a walk that does not go backwards, a walk back to this node (a ring of N nodes or
    /// fewer, where every node holds every key), a routing change meanwhile — nothing is dropped.
    /// </remarks>
    private async Task CollectGarbageAsync(RoutingState state, CancellationToken cancellationToken)
    {
        var walked = new List<NodeInfo>(_options.ReplicaCount);
        var current = state.Predecessor;
        for (var step = 0; step < _options.ReplicaCount; step++)
        {
            if (current is null || current.Id == _self.Id || walked.Any(node => node.Id == current.Id)
                || (walked.Count > 0 && !RingInterval.IsInOpen(current.Id, _self.Id, walked[^1].Id)))
            {
                return;
            }

            NeighborsReply neighbors;
            try
            {
                neighbors = await _transport.CallAsync(current, new GetNeighborsRequest(), cancellationToken);
            }
            catch (NodeUnreachableException)
            {
                return;
            }

            if (neighbors.Node.Id != current.Id)
            {
                return;
            }

            walked.Add(current);
            current = neighbors.Predecessor;
        }

        var now = _ring.Routing;
        if (now.Predecessor?.Id != state.Predecessor?.Id || !ReplicaSet.Of(now, _options.ReplicaCount).SequenceEqual(ReplicaSet.Of(state, _options.ReplicaCount)))
        {
            return;
        }

        var farthest = walked[^1];
        var dropped = _local.Store.RemoveRange(_self.Id, farthest.Id);
        if (dropped.Count > 0)
        {
            LogDropped(_self, dropped.Count, new RingArc(farthest.Id, _self.Id));
        }
    }

    private void OnRoutingChanged(object? sender, RoutingChangedEventArgs change)
    {
        var replicasBefore = ReplicaSet.Of(change.Before, _options.ReplicaCount);
        var replicasAfter = ReplicaSet.Of(change.After, _options.ReplicaCount);
        if (change.Before.Predecessor?.Id != change.After.Predecessor?.Id || !replicasBefore.Select(node => node.Id).SequenceEqual(replicasAfter.Select(node => node.Id)))
        {
            RunSoon();
        }
    }

    private TimeSpan NextPeriod()
    {
        double draw;
        lock (_random)
        {
            draw = _random.NextDouble();
        }

        return _options.AntiEntropyInterval * (0.5 + draw);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node} purged {Count} expired tombstones")]
    private partial void LogPurged(NodeInfo node, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node} synchronised its range {Range} with {Peer}: took {Taken} entries, sent {Sent}")]
    private partial void LogSynced(NodeInfo node, RingArc range, NodeInfo peer, int taken, int sent);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node} could not synchronise with replica {Peer}: {Reason}")]
    private partial void LogSyncFailed(NodeInfo node, NodeInfo peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node} dropped {Count} entries it no longer replicates; it keeps {Kept}")]
    private partial void LogDropped(NodeInfo node, int count, RingArc kept);
}
