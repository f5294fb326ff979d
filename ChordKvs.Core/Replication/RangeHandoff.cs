using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Moves keys when this node joins or leaves: a joining node takes its ranges from its successor, a leaving node
/// hands everything it holds to its successor.
/// </summary>
/// <remarks>
/// Both directions move the arc (successor, self]: everything the successor holds or should hold outside the
/// successor's own range (self, successor]. For a joining node that arc is its own new range and the ranges of its
/// N − 1 predecessors, which it now replicates — the successor replicated all of them until now — so the new node
/// is a full replica from the start rather than after its neighbours' next passes. For a leaving node it is its own
/// range and the ranges it replicated, all of which its successor replicates once it is gone.
/// </remarks>
internal sealed partial class RangeHandoff
{
    private readonly NodeInfo _self;
    private readonly ChordNode _ring;
    private readonly RangeSync _sync;
    private readonly ILogger _logger;

    public RangeHandoff(NodeInfo self, ChordNode ring, RangeSync sync, ILogger logger)
    {
        _self = self;
        _ring = ring;
        _sync = sync;
        _logger = logger;
    }

    /// <summary>
    /// Right after the ring join: takes the arc (successor, self] from the successor. A failure is logged, not
    /// thrown: the node is already in the ring, and anti-entropy fills it from its neighbours' passes.
    /// </summary>
    public async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        var successor = _ring.Routing.Successor;
        if (successor.Id == _self.Id)
        {
            return;
        }

        var arc = new RingArc(successor.Id, _self.Id);
        try
        {
            var result = await _sync.SyncAsync(successor, arc, cancellationToken);
            LogTookOver(_self, arc, successor, result.Taken);
        }
        catch (NodeUnreachableException exception)
        {
            LogTakeOverFailed(_self, successor, exception.Message);
        }
    }

    /// <summary>
    /// Before the ring leave: gives the arc (successor, self] to the first successor that takes all of it.
    /// </summary>
    /// <returns>The successor that took the keys, or null when none answered (the keys then live on only in the other replicas).</returns>
    public async Task<NodeInfo?> HandOverAsync(CancellationToken cancellationToken)
    {
        foreach (var successor in _ring.Routing.Successors)
        {
            if (successor.Id == _self.Id)
            {
                break;
            }

            var arc = new RingArc(successor.Id, _self.Id);
            try
            {
                var result = await _sync.SyncAsync(successor, arc, cancellationToken);
                LogHandedOver(_self, arc, successor, result.Sent);
                return successor;
            }
            catch (NodeUnreachableException exception)
            {
                LogHandOverFailed(_self, successor, exception.Message);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} took over {Range} from its successor {Successor}: {Count} entries")]
    private partial void LogTookOver(NodeInfo node, RingArc range, NodeInfo successor, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} could not take its range over from {Successor} ({Reason}); anti-entropy will fill it")]
    private partial void LogTakeOverFailed(NodeInfo node, NodeInfo successor, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} handed {Range} over to {Successor}: {Count} entries")]
    private partial void LogHandedOver(NodeInfo node, RingArc range, NodeInfo successor, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} could not hand its keys over to {Successor}: {Reason}")]
    private partial void LogHandOverFailed(NodeInfo node, NodeInfo successor, string reason);
}
