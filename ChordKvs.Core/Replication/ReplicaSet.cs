using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>Which nodes hold the keys a node is responsible for.</summary>
public static class ReplicaSet
{
    /// <summary>
    /// The node itself followed by the next <paramref name="replicaCount"/> − 1 distinct nodes of its successor
    /// list; fewer when the ring is smaller, so that every key is then kept on every node.
    /// </summary>
    public static ImmutableArray<NodeInfo> Of(RoutingState state, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(state);
        var replicas = ImmutableArray.CreateBuilder<NodeInfo>(replicaCount);
        replicas.Add(state.Self);
        foreach (var successor in state.Successors)
        {
            if (replicas.Count == replicaCount)
            {
                break;
            }

            if (!replicas.Any(node => node.Id == successor.Id))
            {
                replicas.Add(successor);
            }
        }

        return replicas.DrainToImmutable();
    }
}
