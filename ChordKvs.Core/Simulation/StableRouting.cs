using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// The routing state every node of a ring has once the ring is stable, computed from the sorted list of all
/// members instead of by running the protocol: predecessor, the next r nodes as successor list, and every
/// finger i as the successor of self + 2^i.
/// </summary>
/// <remarks>
/// This is what the Chord papers' static experiments assume (path length, load balance, and the starting point
/// of the failure experiments): they measure a ring "once the network becomes stable", not the joins that built
/// it. It is exactly the state <see cref="RingConsistency.FindPointerError"/> accepts, so a ring built by joins
/// and left to stabilize ends up with the same pointers.
/// </remarks>
internal sealed class StableRouting
{
    private readonly NodeInfo[] _sorted;
    private readonly ulong[] _ids;

    /// <summary>Prepares the computation for a ring of <paramref name="members"/> (at least one, identifiers distinct).</summary>
    public StableRouting(IEnumerable<NodeInfo> members)
    {
        _sorted = [.. members.OrderBy(node => node.Id.Value)];
        if (_sorted.Length == 0)
        {
            throw new ArgumentException("A ring needs at least one member.", nameof(members));
        }

        _ids = [.. _sorted.Select(node => node.Id.Value)];
        for (var i = 1; i < _ids.Length; i++)
        {
            if (_ids[i] == _ids[i - 1])
            {
                throw new ArgumentException($"Two members share identifier {_sorted[i].Id}.", nameof(members));
            }
        }
    }

    /// <summary>The members in identifier order.</summary>
    public IReadOnlyList<NodeInfo> Sorted => _sorted;

    /// <summary>The stable routing state of the member at <paramref name="index"/> in <see cref="Sorted"/>.</summary>
    public RoutingState StateOf(int index, int successorListLength)
    {
        var self = _sorted[index];
        var count = _sorted.Length;
        var fingers = new NodeInfo?[NodeId.Bits];
        for (var i = 0; i < NodeId.Bits; i++)
        {
            fingers[i] = SuccessorOf(self.Id.AddPowerOfTwo(i));
        }

        if (count == 1)
        {
            // Alone, the node is its own successor and every finger; it has no predecessor.
            return RoutingState.Alone(self) with { Fingers = FingerTable.From(fingers) };
        }

        var successors = ImmutableArray.CreateBuilder<NodeInfo>(Math.Min(successorListLength, count - 1));
        for (var i = 1; i <= Math.Min(successorListLength, count - 1); i++)
        {
            successors.Add(_sorted[(index + i) % count]);
        }

        return new RoutingState(self, _sorted[(index - 1 + count) % count], successors.MoveToImmutable(), FingerTable.From(fingers));
    }

    private NodeInfo SuccessorOf(NodeId id)
    {
        var at = Array.BinarySearch(_ids, id.Value);
        if (at < 0)
        {
            at = ~at;
        }

        return _sorted[at == _ids.Length ? 0 : at];
    }
}
