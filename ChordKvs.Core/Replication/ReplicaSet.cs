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

    /// <summary>
    /// The replicas of a key whose successors are <paramref name="keySuccessors"/> (the responsible node first),
    /// reordered to put <paramref name="self"/> first, or null when <paramref name="self"/> is not one of them.
    /// </summary>
    /// <remarks>The first <paramref name="replicaCount"/> distinct nodes of the list hold the key.</remarks>
    public static ImmutableArray<NodeInfo>? WithSelfFirst(NodeInfo self, ImmutableArray<NodeInfo> keySuccessors, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(self);
        var replicas = ImmutableArray.CreateBuilder<NodeInfo>(replicaCount);
        replicas.Add(self);
        var holdsKey = false;
        var seen = 0;
        foreach (var node in keySuccessors)
        {
            if (seen == replicaCount)
            {
                break;
            }

            if (node.Id == self.Id)
            {
                holdsKey = true;
                seen++;
            }
            else if (!replicas.Any(replica => replica.Id == node.Id))
            {
                replicas.Add(node);
                seen++;
            }
        }

        return holdsKey ? replicas.DrainToImmutable() : null;
    }
}
