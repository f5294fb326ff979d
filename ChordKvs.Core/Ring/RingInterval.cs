namespace ChordKvs.Core.Ring;

/// <summary>
/// Membership tests for arcs of the identifier circle, walking clockwise from the first bound.
/// </summary>
/// <remarks>
/// When both bounds are equal the arc is the whole circle: <c>(a, a]</c> holds every identifier
/// (a single node is responsible for every key) and <c>(a, a)</c> holds every identifier but
/// <c>a</c> (on a one-node ring, any other node lies between the node and itself).
/// </remarks>
public static class RingInterval
{
    /// <summary>Whether <paramref name="id"/> lies in the open arc (<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static bool IsInOpen(NodeId id, NodeId from, NodeId to)
    {
        var span = from.DistanceTo(to);
        var offset = from.DistanceTo(id);
        return span == 0 ? offset != 0 : offset != 0 && offset < span;
    }

    /// <summary>Whether <paramref name="id"/> lies in the half-open arc (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static bool IsInHalfOpen(NodeId id, NodeId from, NodeId to)
    {
        var span = from.DistanceTo(to);
        var offset = from.DistanceTo(id);
        return span == 0 || (offset != 0 && offset <= span);
    }
}
