using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>Which nodes hold the keys of a node's range: the node itself and the next N − 1 distinct nodes after it.</summary>
public static class ReplicaSet
{
    /// <summary>
    /// The replicas of the keys <paramref name="state"/>'s node is responsible for: the node first, then the next
    /// <paramref name="replicaCount"/> − 1 distinct nodes of its successor list. Fewer on a ring with fewer nodes;
    /// just the node when it is alone.
    /// </summary>
    public static ImmutableArray<NodeInfo> Of(RoutingState state, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicaCount, 1);
        var replicas = ImmutableArray.CreateBuilder<NodeInfo>(replicaCount);
        replicas.Add(state.Self);
        foreach (var successor in state.Successors)
        {
            if (replicas.Count == replicaCount)
            {
                break;
            }

            // The list never repeats a node and stops before the node itself, but a stale entry could; skip it.
            if (!replicas.Any(replica => replica.Id == successor.Id))
            {
                replicas.Add(successor);
            }
        }

        return replicas.DrainToImmutable();
    }
}
