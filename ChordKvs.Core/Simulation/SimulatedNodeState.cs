using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Simulation;

/// <summary>Whether a simulated node can send and receive.</summary>
internal enum SimulatedNodeStatus
{
    /// <summary>Known to the network only as a sender (or a target): it may send and receive replies, but no handler answers requests to it.</summary>
    Detached,

    /// <summary>Attached: a handler answers requests addressed to it.</summary>
    Up,

    /// <summary>Crashed: nothing reaches it and nothing it sent arrives.</summary>
    Down,
}

/// <summary>What the network knows about one node identifier.</summary>
/// <remarks>
/// Transports and in-flight exchanges hold this object directly, so the hot path never looks a node up.
/// The incarnation counts crashes: a message, a handler result or a reply belongs to the incarnation that
/// produced or awaited it, and is discarded once the node has crashed since, even if it has restarted.
/// </remarks>
internal sealed class SimulatedNodeState
{
    public SimulatedNodeState(NodeId id)
    {
        Id = id;
    }

    public NodeId Id { get; }

    public SimulatedNodeStatus Status { get; set; }

    public INodeRequestHandler? Handler { get; set; }

    public int Incarnation { get; set; }

    /// <summary>The node's side of the current partition; 0 for every node when there is none.</summary>
    public int PartitionGroup { get; set; }

    /// <summary>Whether a message this incarnation sent, or a reply it awaits, may still arrive.</summary>
    public bool IsAlive(int incarnation) => Status != SimulatedNodeStatus.Down && Incarnation == incarnation;
}
