namespace ChordKvs.Core.Simulation;

/// <summary>
/// Where an event sits in the scheduler's queue: its virtual due time, then the order in which it was
/// scheduled, so that events due at the same instant run first-in, first-out.
/// </summary>
/// <remarks>
/// A value type implementing <see cref="IComparable{T}"/> lets <see cref="PriorityQueue{TElement, TPriority}"/>
/// compare keys through the devirtualised default comparer, with no boxing on the hot path.
/// </remarks>
internal readonly struct SimulationEventKey : IComparable<SimulationEventKey>
{
    public SimulationEventKey(long dueTicks, long sequence)
    {
        DueTicks = dueTicks;
        Sequence = sequence;
    }

    /// <summary>Virtual time, in ticks since the scheduler's start, at which the event runs.</summary>
    public long DueTicks { get; }

    /// <summary>A number unique to the event, increasing in the order events were scheduled.</summary>
    public long Sequence { get; }

    public int CompareTo(SimulationEventKey other)
    {
        var byTime = DueTicks.CompareTo(other.DueTicks);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }
}
