using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>One node's view of itself and its neighbours, as <c>GET /cluster</c> shows it.</summary>
/// <param name="Node">The node.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="Predecessor">Its predecessor, or null when unknown.</param>
/// <param name="Successors">Its successor list, nearest first.</param>
/// <param name="Fingers">Its distinct fingers in table order.</param>
/// <param name="LiveKeys">Keys with a live value stored on the node (as primary or replica).</param>
/// <param name="Tombstones">Deleted keys whose tombstones are still kept.</param>
/// <param name="ValueBytes">Bytes of live values stored.</param>
public sealed record NodeStatus(
    NodeInfo Node,
    ChordNodeStatus Status,
    NodeInfo? Predecessor,
    ImmutableArray<NodeInfo> Successors,
    ImmutableArray<NodeInfo> Fingers,
    int LiveKeys,
    int Tombstones,
    long ValueBytes)
{
    /// <summary>Client operations (get, put, delete) this node has routed since it started.</summary>
    public long ClientRequests { get; init; }

    /// <summary>
    /// Of those, how many it forwarded to another node to coordinate; <see cref="Forwards"/> /
    /// <see cref="ClientRequests"/> is the average number of node-to-node forwards per client request.
    /// </summary>
    public long Forwards { get; init; }
}
