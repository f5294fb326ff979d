using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>Which nodes hold the keys a node is responsible for.</summary>
/// <remarks>
/// A process may host several ring members (virtual nodes); they share its <see cref="NodeInfo.Address"/>, which
/// therefore names the physical node. Replicas are chosen on distinct physical nodes, so that a process that
/// crashes, taking all its virtual nodes with it, takes at most one copy of any key.
/// </remarks>
public static class ReplicaSet
{
    /// <summary>
    /// The node itself followed by the next <paramref name="replicaCount"/> − 1 nodes of its successor list that
    /// live on other physical nodes than those already chosen; fewer when the list names fewer physical nodes,
    /// so that on a small cluster every key is kept once on every physical node.
    /// </summary>
    public static ImmutableArray<NodeInfo> Of(RoutingState state, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Choose(state.Self, state.Successors, replicaCount);
    }

    /// <summary>
    /// The replicas of the keys <paramref name="primary"/> is responsible for, given the nodes that follow it on
    /// the ring, nearest first: the primary, then each following node whose address (physical node) is not yet
    /// among the chosen ones, up to <paramref name="replicaCount"/> in all.
    /// </summary>
    public static ImmutableArray<NodeInfo> Choose(NodeInfo primary, IEnumerable<NodeInfo> successors, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(successors);
        var replicas = ImmutableArray.CreateBuilder<NodeInfo>(replicaCount);
        replicas.Add(primary);
        foreach (var successor in successors)
        {
            if (replicas.Count == replicaCount)
            {
                break;
            }

            if (!replicas.Any(node => node.Id == successor.Id || string.Equals(node.Address, successor.Address, StringComparison.Ordinal)))
            {
                replicas.Add(successor);
            }
        }

        return replicas.DrainToImmutable();
    }

    /// <summary>
    /// The replicas of a key whose successors are <paramref name="keySuccessors"/> (the responsible node first),
    /// chosen as <see cref="Choose"/> does and reordered to put <paramref name="self"/> first, or null when
    /// <paramref name="self"/> is not one of them.
    /// </summary>
    public static ImmutableArray<NodeInfo>? WithSelfFirst(NodeInfo self, ImmutableArray<NodeInfo> keySuccessors, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (keySuccessors.IsDefaultOrEmpty)
        {
            return null;
        }

        var replicas = Choose(keySuccessors[0], keySuccessors.Skip(1), replicaCount);
        var index = replicas.IndexOf(self);
        return index < 0 ? null : replicas.RemoveAt(index).Insert(0, self);
    }
}
