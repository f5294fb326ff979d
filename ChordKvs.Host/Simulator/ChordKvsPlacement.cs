using ChordKvs.Core.Ring;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// ChordKvs's virtual-node placement (<see cref="VirtualNodePlacement"/>) simulated exactly: hosts join one after
/// another, each with its members 0 to r − 1 in order, and every member after the first takes whichever of its
/// candidate identifiers lies in the longest arc of the ring as it is at that moment, the host's own earlier members
/// included.
/// </summary>
/// <remarks>
/// The candidates of every host (SHA-1 hashes) are computed once and serve every r up to the largest, and the ring
/// that grows with each join is sorted once over all of them (<see cref="GrowingRing"/>).
/// </remarks>
internal sealed class ChordKvsPlacement
{
    private readonly IReadOnlyList<NodeId>[][] _candidates;
    private readonly GrowingRing _ring;
    private readonly Func<NodeId, ulong> _arcAround;

    /// <summary>Prepares the placement of the hosts at <paramref name="addresses"/> with up to <paramref name="maxVirtualNodes"/> members each.</summary>
    public ChordKvsPlacement(IReadOnlyList<string> addresses, int maxVirtualNodes)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVirtualNodes, 1);
        Hosts = addresses.Count;
        MaxVirtualNodes = maxVirtualNodes;
        _candidates = new IReadOnlyList<NodeId>[maxVirtualNodes][];
        for (var k = 0; k < maxVirtualNodes; k++)
        {
            _candidates[k] = new IReadOnlyList<NodeId>[Hosts];
            for (var i = 0; i < Hosts; i++)
            {
                _candidates[k][i] = VirtualNodePlacement.CandidatesFor(addresses[i], k);
            }
        }

        _ring = new GrowingRing(_candidates.SelectMany(member => member).SelectMany(candidates => candidates).Select(id => id.Value));
        _arcAround = id =>
        {
            var (predecessor, successor) = _ring.NeighboursOf(id);
            return VirtualNodePlacement.ArcLength(predecessor, successor);
        };
    }

    /// <summary>How many hosts join.</summary>
    public int Hosts { get; }

    /// <summary>The most members per host that <see cref="Place"/> accepts.</summary>
    public int MaxVirtualNodes { get; }

    /// <summary>Places every host with <paramref name="virtualNodes"/> members on an empty ring; returns the identifier of member k of host i at [k][i].</summary>
    public ulong[][] Place(int virtualNodes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(virtualNodes, MaxVirtualNodes);
        _ring.Clear();
        var ids = new ulong[virtualNodes][];
        for (var k = 0; k < virtualNodes; k++)
        {
            ids[k] = new ulong[Hosts];
        }

        for (var i = 0; i < Hosts; i++)
        {
            for (var k = 0; k < virtualNodes; k++)
            {
                // Member 0 has a single candidate, and the very first member joins an empty ring: nothing to choose.
                var id = k == 0 ? _candidates[0][i][0] : VirtualNodePlacement.Choose(_candidates[k][i], _arcAround);
                _ring.Join(id);
                ids[k][i] = id.Value;
            }
        }

        return ids;
    }
}
