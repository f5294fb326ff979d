namespace ChordKvs.Core.Simulation;

/// <summary>
/// A timer of the simulated <see cref="TimeProvider"/>: its firings are events on the scheduler.
/// </summary>
/// <remarks>
/// The queue cannot remove an event, so a timer remembers the sequence number of the one firing it
/// currently expects. <see cref="Change"/> and <see cref="Dispose"/> forget it, and any older event
/// that later comes up finds a different sequence number and does nothing: a changed or disposed timer
/// never fires stale events. Like <see cref="System.Threading.Timer"/>, a period of zero or
/// <see cref="Timeout.InfiniteTimeSpan"/> fires once, and the callback runs under the execution
/// context captured when the timer was created.
/// </remarks>
internal sealed class SimulationTimer : ITimer
{
    private const long NoFiring = -1;

    private static readonly Action<object?> FireCallback = static state => ((SimulationTimer)state!).Fire();
    private static readonly ContextCallback InvokeCallback = static state => ((SimulationTimer)state!).InvokeUserCallback();

    private readonly SimulationScheduler scheduler;
    private readonly TimerCallback callback;
    private readonly object? state;
    private readonly ExecutionContext? executionContext;
    private long expectedSequence = NoFiring;
    private long periodTicks;
    private bool disposed;

    public SimulationTimer(SimulationScheduler scheduler, TimerCallback callback, object? state)
    {
        this.scheduler = scheduler;
        this.callback = callback;
        this.state = state;
        executionContext = ExecutionContext.Capture();
    }

    /// <summary>Throws when a due time or period is neither non-negative nor infinite, as <see cref="System.Threading.Timer"/> does.</summary>
    public static void Validate(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A timer's due time must be non-negative or Timeout.InfiniteTimeSpan.");
        }

        if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A timer's period must be non-negative or Timeout.InfiniteTimeSpan.");
        }
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, period);
        if (disposed)
        {
            return false;
        }

        periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        expectedSequence = dueTime == Timeout.InfiniteTimeSpan
            ? NoFiring
            : scheduler.Enqueue(dueTime.Ticks, new ScheduledEvent(FireCallback, this));
        return true;
    }

    public void Dispose()
    {
        disposed = true;
        expectedSequence = NoFiring;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Fire()
    {
        if (disposed || scheduler.CurrentSequence != expectedSequence)
        {
            return;
        }

        // Schedule the next firing before the callback runs, so that a callback calling Change or
        // Dispose replaces or cancels it.
        expectedSequence = periodTicks > 0
            ? scheduler.Enqueue(periodTicks, new ScheduledEvent(FireCallback, this))
            : NoFiring;

        if (executionContext is null)
        {
            callback(state);
        }
        else
        {
            ExecutionContext.Run(executionContext, InvokeCallback, this);
        }
    }

    private void InvokeUserCallback() => callback(state);
}
