using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Transport;

/// <summary>Asks whether a node is alive and which node answers at its address.</summary>
public sealed record PingRequest : NodeRequest<PingReply>;

/// <summary>The answer to <see cref="PingRequest"/>.</summary>
/// <param name="Node">The node that answered, so a caller notices a different node at a known address.</param>
public sealed record PingReply(NodeInfo Node) : NodeReply;

/// <summary>
/// Asks a node for its predecessor and successor list: what stabilize reads from its successor and a
/// joining node reads from the node it is about to adopt.
/// </summary>
public sealed record GetNeighborsRequest : NodeRequest<NeighborsReply>;

/// <summary>The answer to <see cref="GetNeighborsRequest"/>.</summary>
/// <param name="Node">The node that answered.</param>
/// <param name="Predecessor">Its predecessor, or null when it has none.</param>
/// <param name="Successors">Its successor list, nearest first; just the node itself when it is alone.</param>
public sealed record NeighborsReply(NodeInfo Node, NodeInfo? Predecessor, ImmutableArray<NodeInfo> Successors) : NodeReply;

/// <summary>One hop of an iterative lookup: asks a node what it knows about the successor of <paramref name="Target"/>.</summary>
/// <param name="Target">The identifier being resolved.</param>
public sealed record FindSuccessorStepRequest(NodeId Target) : NodeRequest<FindSuccessorStepReply>;

/// <summary>The answer to <see cref="FindSuccessorStepRequest"/>.</summary>
/// <param name="Found">
/// True when <see cref="Nodes"/> starts with the target's successor (followed by the nodes after it);
/// false when <see cref="Nodes"/> lists nodes closer to the target, best first, for the next hop.
/// </param>
/// <param name="Nodes">The successor and its followers, or the next-hop candidates.</param>
/// <param name="Predecessor">
/// When <see cref="Found"/>, the node the answering node knows just before the successor: itself, or the entry before
/// the successor on its successor list. That node learns of a newcomer before its own predecessors do.
/// </param>
public sealed record FindSuccessorStepReply(bool Found, ImmutableArray<NodeInfo> Nodes, NodeInfo? Predecessor = null) : NodeReply;

/// <summary>
/// Tells a node that <paramref name="Candidate"/> believes it is the node's predecessor. The receiver
/// rectifies: it adopts the candidate only if it lies closer than the current predecessor or the current
/// predecessor is dead.
/// </summary>
/// <param name="Candidate">The node that may be the receiver's predecessor.</param>
public sealed record NotifyRequest(NodeInfo Candidate) : NodeRequest<AckReply>;

/// <summary>A leaving node tells its successor who its predecessor becomes.</summary>
/// <param name="Leaving">The node that is leaving.</param>
/// <param name="NewPredecessor">The leaving node's predecessor, or null when it had none.</param>
public sealed record PredecessorLeavingRequest(NodeInfo Leaving, NodeInfo? NewPredecessor) : NodeRequest<AckReply>;

/// <summary>
/// A node that has just joined tells the node before it that it now lies between that node and its successor.
/// The receiver adopts it as its successor, with its successor list, if it does lie there, so that lookups find
/// the newcomer before the receiver's next stabilize round. The reply is the receiver's state afterwards.
/// </summary>
/// <param name="Joined">The node that has joined.</param>
/// <param name="Successors">The joined node's successor list, taken from its live successor.</param>
public sealed record SuccessorJoinedRequest(NodeInfo Joined, ImmutableArray<NodeInfo> Successors) : NodeRequest<NeighborsReply>;

/// <summary>A leaving node tells its predecessor which successor list replaces it.</summary>
/// <param name="Leaving">The node that is leaving.</param>
/// <param name="Successors">The leaving node's successor list.</param>
public sealed record SuccessorLeavingRequest(NodeInfo Leaving, ImmutableArray<NodeInfo> Successors) : NodeRequest<AckReply>;
