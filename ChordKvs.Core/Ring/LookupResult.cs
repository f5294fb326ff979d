using System.Collections.Immutable;

namespace ChordKvs.Core.Ring;

/// <summary>The outcome of resolving an identifier to the node responsible for it.</summary>
/// <param name="Target">The identifier that was resolved.</param>
/// <param name="Successors">The responsible node (the target's successor) first, then the nodes after it as the last hop knew them.</param>
/// <param name="Hops">How many other nodes answered a step of the lookup (0 when the asking node knew the answer).</param>
/// <param name="Timeouts">How many contacted nodes did not answer and were skipped.</param>
/// <param name="Predecessor">
/// The node the last hop listed just before <see cref="Successor"/> (the target's predecessor as far as it knew), or
/// null when unknown. If the successor does not answer, this node is the one to ask again: see
/// <see cref="ChordNode.AskListedPredecessorAsync"/>.
/// </param>
public sealed record LookupResult(NodeId Target, ImmutableArray<NodeInfo> Successors, int Hops, int Timeouts, NodeInfo? Predecessor = null)
{
    /// <summary>The node responsible for <see cref="Target"/>.</summary>
    public NodeInfo Successor => Successors[0];
}
