using System.Globalization;

namespace ChordKvs.Core.Ring;

/// <summary>
/// Where a host places its extra ring members (virtual nodes 1 to K − 1): each at the better of
/// <see cref="CandidatesPerMember"/> candidate identifiers, the one that falls in the longer arc of the ring as it
/// is when the member joins. Member 0 stays at <see cref="NodeId.ForNode"/> of the address, the host's stable
/// identity.
/// </summary>
/// <remarks>
/// With every identifier drawn at random, the keys a host owns are the sum of K random arcs, and with K = 20 the
/// 99th percentile of keys per host is still about 1.65 times the mean (docs/simulation.md). Choosing the
/// candidate that splits the longer arc ("the power of two choices" for consistent hashing) cuts the long arcs
/// that make those heavy hosts, at the cost of one lookup per candidate at join time. The price is that members
/// 1 to K − 1 of a restarted host may land elsewhere than before; the store is in memory, so a restarted host
/// comes back empty and takes over whatever range it lands on, as any joining node does. The simulator's
/// load-balance experiment places virtual nodes with this same rule.
/// </remarks>
public static class VirtualNodePlacement
{
    /// <summary>How many candidate identifiers a member other than member 0 chooses from.</summary>
    public const int CandidatesPerMember = 2;

    /// <summary>
    /// The candidate identifiers of member <paramref name="virtualNodeIndex"/> of the host at
    /// <paramref name="address"/>: the first is <see cref="NodeId.ForNode"/>(address, index) and the others hash
    /// <c>address#index/choice</c>. Member 0 has one candidate only.
    /// </summary>
    public static IReadOnlyList<NodeId> CandidatesFor(string address, int virtualNodeIndex)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(virtualNodeIndex);
        if (virtualNodeIndex == 0)
        {
            return [NodeId.ForNode(address)];
        }

        var candidates = new NodeId[CandidatesPerMember];
        candidates[0] = NodeId.ForNode(address, virtualNodeIndex);
        for (var choice = 1; choice < candidates.Length; choice++)
        {
            candidates[choice] = NodeId.ForKey(string.Create(CultureInfo.InvariantCulture, $"{address}#{virtualNodeIndex}/{choice}"));
        }

        return candidates;
    }

    /// <summary>
    /// The length of the arc from <paramref name="predecessor"/> to <paramref name="successor"/>, the two ring
    /// members around a candidate; when they are the same member (a ring of one), the whole circle.
    /// </summary>
    public static ulong ArcLength(NodeId predecessor, NodeId successor) =>
        predecessor == successor ? ulong.MaxValue : predecessor.DistanceTo(successor);

    /// <summary>
    /// The candidate in the longest arc; on a tie, the earlier candidate. <paramref name="arcAround"/> gives the
    /// arc each candidate falls in (see <see cref="ArcLength"/>), or 0 when it is unknown.
    /// </summary>
    public static NodeId Choose(IReadOnlyList<NodeId> candidates, Func<NodeId, ulong> arcAround)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(arcAround);
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var best = candidates[0];
        var longest = arcAround(best);
        for (var i = 1; i < candidates.Count; i++)
        {
            var arc = arcAround(candidates[i]);
            if (arc > longest)
            {
                (best, longest) = (candidates[i], arc);
            }
        }

        return best;
    }
}
