using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Places keys without a lookup when a node's own pointers already describe the whole ring, as they do in
/// small clusters: a request then goes straight to its coordinator, or is served where it arrived.
/// </summary>
/// <remarks>
/// A successor list stops where the walk comes back to the node itself, so a list shorter than its configured
/// length that ends at the node's own predecessor closes the circle: self, the list, and back to self. Requiring
/// both guards against a list cut short by failures and against a predecessor pointer that lags behind a join
/// (it then differs from the list's last entry until stabilisation has caught up, and the lookup is used).
/// </remarks>
public static class WholeRingView
{
    /// <summary>
    /// The successors of <paramref name="key"/> (its responsible node first, then every other node clockwise),
    /// or null when <paramref name="state"/> does not show the whole ring.
    /// </summary>
    public static ImmutableArray<NodeInfo>? KeySuccessors(RoutingState state, int successorListLength, NodeId key)
    {
        if (Ring(state, successorListLength) is not { } ring)
        {
            return null;
        }

        // The key's successor is the first node at or after the key.
        var previous = ring[^1].Id;
        for (var i = 0; i < ring.Length; i++)
        {
            if (RingInterval.IsInHalfOpen(key, previous, ring[i].Id))
            {
                return i == 0 ? ring : [.. ring[i..], .. ring[..i]];
            }

            previous = ring[i].Id;
        }

        return null;
    }

    /// <summary>
    /// Every node of the ring in clockwise order from this one (this node first), or null when
    /// <paramref name="state"/> does not show the whole ring.
    /// </summary>
    public static ImmutableArray<NodeInfo>? Ring(RoutingState state, int successorListLength)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.IsAlone)
        {
            return state.Successors;
        }

        var successors = state.Successors;
        return successors.Length >= successorListLength || state.Predecessor is not { } predecessor || predecessor.Id != successors[^1].Id
            ? null
            : successors.Insert(0, state.Self);
    }
}
