using System.Collections.Immutable;

namespace ChordKvs.Core.Ring;

/// <summary>
/// One consistent snapshot of a node's routing pointers. Immutable: the node swaps in a new snapshot on
/// every change, so readers on other threads never see a half-made update.
/// </summary>
/// <param name="Self">The node this state belongs to.</param>
/// <param name="Predecessor">The node just before it on the ring, or null when unknown.</param>
/// <param name="Successors">The successor list, nearest first; never empty, [Self] when the node is alone.</param>
/// <param name="Fingers">The finger table.</param>
public sealed record RoutingState(NodeInfo Self, NodeInfo? Predecessor, ImmutableArray<NodeInfo> Successors, FingerTable Fingers)
{
    /// <summary>The state of a node that knows no other node: its own successor, no predecessor.</summary>
    public static RoutingState Alone(NodeInfo self) => new(self, null, SuccessorList.Alone(self), FingerTable.Empty);

    /// <summary>The first live successor as last seen.</summary>
    public NodeInfo Successor => Successors[0];

    /// <summary>Whether the node knows no other node.</summary>
    public bool IsAlone => Successor.Id == Self.Id;

    /// <summary>
    /// Whether this node is the successor of <paramref name="id"/> as far as its own pointers tell:
    /// the id lies in (predecessor, self], or the node is alone.
    /// </summary>
    public bool OwnsId(NodeId id) => IsAlone || (Predecessor is not null && RingInterval.IsInHalfOpen(id, Predecessor.Id, Self.Id));

    /// <summary>
    /// The successor of <paramref name="id"/> and the nodes after it, if this node's successor list settles it:
    /// the id falls between this node and its successor, or between two neighbours on the list. Empty otherwise.
    /// </summary>
    /// <remarks>
    /// The predecessor is deliberately not consulted. While nodes join, a predecessor pointer can lag far
    /// behind (a node whose predecessor sits just after it would claim almost the whole circle) and every
    /// lookup answered from it would pile newcomers onto one node. Successor pointers only ever move closer,
    /// so answers from them stay safe; keys in (predecessor, self] are found in one more hop, at the predecessor.
    /// </remarks>
    public ImmutableArray<NodeInfo> ResolveLocally(NodeId id)
    {
        var index = CoveringEntry(id);
        return index switch
        {
            < 0 => [],
            0 => Successors,
            _ => Successors[index..],
        };
    }

    /// <summary>
    /// The node this node lists just before the successor of <paramref name="id"/>: itself when the id lies between it
    /// and its successor, otherwise the entry before the one <see cref="ResolveLocally"/> names. Null when the
    /// successor list does not settle the id.
    /// </summary>
    public NodeInfo? ListedPredecessorOf(NodeId id)
    {
        var index = CoveringEntry(id);
        return index switch
        {
            < 0 => null,
            0 => IsAlone ? null : Self,
            _ => Successors[index - 1],
        };
    }

    /// <summary>The index of the first successor-list entry at or after <paramref name="id"/> with the id after the entry before it (or after this node); −1 when none.</summary>
    private int CoveringEntry(NodeId id)
    {
        if (IsAlone)
        {
            return 0;
        }

        var previous = Self.Id;
        for (var i = 0; i < Successors.Length; i++)
        {
            if (RingInterval.IsInHalfOpen(id, previous, Successors[i].Id))
            {
                return i;
            }

            previous = Successors[i].Id;
        }

        return -1;
    }

    /// <summary>
    /// Up to <paramref name="count"/> known nodes that lie strictly between this node and <paramref name="id"/>,
    /// nearest to <paramref name="id"/> first: the next hops of a lookup, from fingers and successor list alike.
    /// </summary>
    public ImmutableArray<NodeInfo> ClosestPrecedingNodes(NodeId id, int count)
    {
        var best = new List<NodeInfo>(count + 1);
        foreach (var node in Fingers.Distinct())
        {
            Consider(node);
        }

        foreach (var node in Successors)
        {
            Consider(node);
        }

        return [.. best];

        void Consider(NodeInfo node)
        {
            if (!RingInterval.IsInOpen(node.Id, Self.Id, id))
            {
                return;
            }

            var distance = node.Id.DistanceTo(id);
            var at = 0;
            while (at < best.Count && best[at].Id.DistanceTo(id) < distance)
            {
                at++;
            }

            if (at < best.Count && best[at].Id == node.Id)
            {
                return;
            }

            if (at < count)
            {
                best.Insert(at, node);
                if (best.Count > count)
                {
                    best.RemoveAt(count);
                }
            }
        }
    }
}
