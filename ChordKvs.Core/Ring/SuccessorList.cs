using System.Collections.Immutable;

namespace ChordKvs.Core.Ring;

/// <summary>
/// Builds successor lists: the nearest distinct nodes clockwise from a node, nearest first.
/// </summary>
/// <remarks>
/// Following Zave's correction, a node never invents its successor list: it takes its live successor
/// and that successor's own list. The list stops where the walk comes back to the node itself, so on a
/// ring smaller than r + 1 it holds every other node once; a node alone has the list [itself].
/// </remarks>
public static class SuccessorList
{
    /// <summary>
    /// The successor list of <paramref name="self"/> whose first entry is <paramref name="successor"/>,
    /// continued with <paramref name="successorsOfSuccessor"/> and cut at <paramref name="length"/> entries.
    /// </summary>
    public static ImmutableArray<NodeInfo> Build(NodeInfo self, NodeInfo successor, IEnumerable<NodeInfo> successorsOfSuccessor, int length)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(successor);
        ArgumentNullException.ThrowIfNull(successorsOfSuccessor);
        if (successor.Id == self.Id)
        {
            return [self];
        }

        var list = ImmutableArray.CreateBuilder<NodeInfo>(length);
        list.Add(successor);
        var previous = successor.Id;
        foreach (var node in successorsOfSuccessor)
        {
            // Stop where the walk returns to this node, and keep the list strictly clockwise: an entry
            // that does not lie between the previous one and this node is a stale pointer or a wrap.
            if (list.Count == length || node.Id == self.Id || !RingInterval.IsInOpen(node.Id, previous, self.Id))
            {
                break;
            }

            list.Add(node);
            previous = node.Id;
        }

        return list.DrainToImmutable();
    }

    /// <summary>Alone: the successor list of a node that knows no other node.</summary>
    public static ImmutableArray<NodeInfo> Alone(NodeInfo self) => [self];
}
