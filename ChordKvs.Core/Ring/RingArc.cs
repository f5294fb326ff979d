using System.Collections.Immutable;

namespace ChordKvs.Core.Ring;

/// <summary>
/// The arc (<see cref="FromExclusive"/>, <see cref="ToInclusive"/>] of the identifier circle, walking clockwise:
/// a node's range, or a part of one that replicas compare and move. Equal bounds mean the whole circle, as in
/// <see cref="RingInterval"/>.
/// </summary>
/// <param name="FromExclusive">Where the arc starts (excluded).</param>
/// <param name="ToInclusive">Where the arc ends (included).</param>
public readonly record struct RingArc(NodeId FromExclusive, NodeId ToInclusive)
{
    /// <summary>The most parts <see cref="Split"/> cuts an arc into.</summary>
    public const int MaxSegments = 1024;

    /// <summary>Whether the arc is the whole circle (equal bounds).</summary>
    public bool IsWholeCircle => FromExclusive == ToInclusive;

    /// <summary>How many identifiers the arc holds: 2^64 for the whole circle.</summary>
    public UInt128 Length => IsWholeCircle ? (UInt128)ulong.MaxValue + 1 : FromExclusive.DistanceTo(ToInclusive);

    /// <summary>Whether <paramref name="id"/> lies in the arc.</summary>
    public bool Contains(NodeId id) => RingInterval.IsInHalfOpen(id, FromExclusive, ToInclusive);

    /// <summary>
    /// Cuts the arc into <paramref name="segments"/> consecutive parts of (nearly) equal length, clockwise; fewer when
    /// the arc holds fewer identifiers than that, so no part is empty (an empty part would read as the whole circle).
    /// Two nodes that split the same arc into the same number of parts get the same parts, which is what lets
    /// replicas compare digests part by part.
    /// </summary>
    public ImmutableArray<RingArc> Split(int segments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segments, MaxSegments);
        var length = Length;
        var count = (int)UInt128.Min(length, (UInt128)segments);
        var parts = ImmutableArray.CreateBuilder<RingArc>(count);
        var start = FromExclusive;
        for (var i = 1; i <= count; i++)
        {
            var end = i == count ? ToInclusive : new NodeId(unchecked(FromExclusive.Value + (ulong)(length * (UInt128)i / (UInt128)count)));
            parts.Add(new RingArc(start, end));
            start = end;
        }

        return parts.MoveToImmutable();
    }

    /// <summary>The arc as <c>(from, to]</c>.</summary>
    public override string ToString() => $"({FromExclusive}, {ToInclusive}]";
}
