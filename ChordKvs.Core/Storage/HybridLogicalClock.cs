using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Storage;

/// <summary>
/// A hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks", OPODIS 2014) that stamps
/// this node's writes.
/// </summary>
/// <remarks>
/// <para>
/// Its readings stay close to physical time, so "last writer wins" means what a person expects, yet they
/// never go backwards when the physical clock does, and after <see cref="Observe"/> they are greater than
/// anything this node has seen from others: a write that follows a read of another node's write wins over it
/// even if this node's physical clock lags.
/// </para>
/// <para>
/// Thread-safe and lock-free: the last reading is one 64-bit word advanced by compare-and-swap.
/// </para>
/// </remarks>
public sealed class HybridLogicalClock
{
    private readonly TimeProvider _timeProvider;
    private readonly long? _maxForwardDriftMilliseconds;
    private ulong _last;

    /// <summary>Creates a clock for the node <paramref name="nodeId"/>.</summary>
    /// <param name="timeProvider">The physical clock; the only source of time.</param>
    /// <param name="nodeId">This node's identifier, stamped into each <see cref="EntryVersion"/> as the tie-break.</param>
    /// <param name="maxForwardDrift">
    /// When set, <see cref="Observe"/> ignores remote timestamps more than this far ahead of the local physical
    /// clock, so that one peer with a badly wrong clock cannot drag every later write of this node into the
    /// future. Null (the default) accepts every remote timestamp, which is what the HLC paper assumes.
    /// </param>
    public HybridLogicalClock(TimeProvider timeProvider, NodeId nodeId, TimeSpan? maxForwardDrift = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (maxForwardDrift is { } drift)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(drift, TimeSpan.Zero, nameof(maxForwardDrift));
            _maxForwardDriftMilliseconds = (long)drift.TotalMilliseconds;
        }

        _timeProvider = timeProvider;
        NodeId = nodeId;
    }

    /// <summary>The node whose writes this clock stamps.</summary>
    public NodeId NodeId { get; }

    /// <summary>The most recent reading (from <see cref="Now"/> or merged by <see cref="Observe"/>), without advancing the clock.</summary>
    public HybridTimestamp Last => HybridTimestamp.FromPacked(Volatile.Read(ref _last));

    /// <summary>
    /// A new timestamp for a local event: strictly greater than every earlier reading of this clock and every
    /// observed remote timestamp, and equal to physical time with counter 0 whenever physical time is ahead.
    /// </summary>
    /// <exception cref="InvalidOperationException">The clock has reached <see cref="HybridTimestamp.MaxValue"/> and cannot advance.</exception>
    public HybridTimestamp Now()
    {
        var physical = PhysicalNow();
        while (true)
        {
            var last = Volatile.Read(ref _last);
            if (last == ulong.MaxValue)
            {
                throw new InvalidOperationException("The hybrid logical clock has reached its largest value and cannot issue a newer timestamp.");
            }

            // max(pt, l) with the counter reset when pt wins and incremented otherwise is, in packed form, just
            // max(pt << 16, last + 1); a counter overflow carries into the milliseconds.
            var next = Math.Max(physical, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return HybridTimestamp.FromPacked(next);
            }
        }
    }

    /// <summary>A new version for a local write: <see cref="Now"/> with this node as the writer.</summary>
    public EntryVersion NextVersion() => new(Now(), NodeId);

    /// <summary>
    /// Merges a timestamp received from another node so that every later <see cref="Now"/> is greater than it.
    /// </summary>
    /// <returns>
    /// True when merged (or already behind this clock); false when it was ignored for lying further ahead of the
    /// physical clock than the configured maximum forward drift.
    /// </returns>
    public bool Observe(HybridTimestamp remote)
    {
        if (_maxForwardDriftMilliseconds is { } maxDrift
            && remote.PhysicalMilliseconds - (long)(PhysicalNow() >> HybridTimestamp.LogicalBits) > maxDrift)
        {
            return false;
        }

        var packed = remote.Packed;
        while (true)
        {
            var last = Volatile.Read(ref _last);
            if (packed <= last || Interlocked.CompareExchange(ref _last, packed, last) == last)
            {
                return true;
            }
        }
    }

    // Physical time in packed form (counter 0), clamped into the 48-bit range: a clock before 1970 reads as the
    // epoch rather than failing, and one beyond the year 10889 saturates.
    private ulong PhysicalNow()
    {
        var milliseconds = Math.Clamp(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), 0, HybridTimestamp.MaxPhysicalMilliseconds);
        return (ulong)milliseconds << HybridTimestamp.LogicalBits;
    }
}
