using ChordKvs.Core.Ring;

namespace ChordKvs.Tests.Simulator;

/// <summary>The plainest ring there is, a sorted list of member identifiers: the reference the faster placement code is checked against.</summary>
internal static class SortedListRing
{
    /// <summary>Adds <paramref name="id"/> to the sorted <paramref name="members"/>.</summary>
    public static void Join(List<ulong> members, ulong id)
    {
        var at = members.BinarySearch(id);
        members.Insert(at >= 0 ? at : ~at, id);
    }

    /// <summary>The last member before <paramref name="id"/> and the first at or after it, wrapping around.</summary>
    public static (NodeId Predecessor, NodeId Successor) NeighboursOf(List<ulong> members, ulong id)
    {
        var at = members.BinarySearch(id);
        var successor = at >= 0 ? at : ~at;
        var predecessor = (successor == 0 ? members.Count : successor) - 1;
        return (new NodeId(members[predecessor]), new NodeId(members[successor == members.Count ? 0 : successor]));
    }
}
