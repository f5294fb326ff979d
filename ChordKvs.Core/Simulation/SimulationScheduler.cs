using System.Globalization;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// A single-threaded, deterministic discrete-event scheduler with a virtual clock: the heart of the
/// simulated network. Events run one at a time in order of due time, and events due at the same
/// instant run in the order they were scheduled, so the same inputs always give the same run.
/// </summary>
/// <remarks>
/// <para>
/// Virtual time only moves when events run (or when <see cref="RunFor"/>, <see cref="RunUntil"/> or a
/// timed-out <see cref="Run{T}"/> advance it); nothing waits on real time. Protocol code sees the clock
/// through <see cref="TimeProvider"/>, whose timers are events on this scheduler.
/// </para>
/// <para>
/// While events run, <see cref="SynchronizationContext.Current"/> is <see cref="SynchronizationContext"/>,
/// whose <see cref="System.Threading.SynchronizationContext.Post"/> enqueues the callback at the current
/// instant; <c>await</c> continuations in protocol code therefore stay on the simulation. The previous
/// context is restored when the run method returns.
/// </para>
/// <para>
/// An exception thrown by an event propagates out of the run method that ran it. The scheduler is not
/// thread-safe, and a run method must not be called from inside an event.
/// </para>
/// </remarks>
public sealed class SimulationScheduler
{
    /// <summary>The wall-clock instant at which a scheduler starts unless told otherwise: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PriorityQueue<ScheduledEvent, SimulationEventKey> queue = new();
    private readonly SimulationSynchronizationContext synchronizationContext;
    private long nowTicks;
    private long nextSequence;
    private long currentSequence = -1;
    private long eventsRun;
    private bool running;

    /// <summary>Creates a scheduler whose virtual clock reads <paramref name="start"/> (default <see cref="DefaultStart"/>) before any event runs.</summary>
    public SimulationScheduler(DateTimeOffset? start = null)
    {
        Start = start ?? DefaultStart;
        synchronizationContext = new SimulationSynchronizationContext(this);
        TimeProvider = new SimulationTimeProvider(this);
    }

    /// <summary>
    /// The virtual clock: <see cref="System.TimeProvider.GetUtcNow"/> is <see cref="UtcNow"/>, timestamps count
    /// 100 ns ticks of virtual time, the local time zone is UTC, and timers (one-shot or periodic) fire as
    /// events on this scheduler. A timer that has been changed or disposed never fires its stale events.
    /// </summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The synchronization context that is current while this scheduler runs events.</summary>
    public SynchronizationContext SynchronizationContext => synchronizationContext;

    /// <summary>The wall-clock instant at which virtual time zero lies.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The current virtual wall-clock time: <see cref="Start"/> plus <see cref="Elapsed"/>.</summary>
    public DateTimeOffset UtcNow => Start.AddTicks(nowTicks);

    /// <summary>The virtual time that has passed since the scheduler started.</summary>
    public TimeSpan Elapsed => new(nowTicks);

    /// <summary>How many events have run so far, stale timer firings included.</summary>
    public long EventsRun => eventsRun;

    /// <summary>How many events are queued and not yet run.</summary>
    public int PendingEvents => queue.Count;

    /// <summary>The current virtual time in ticks since the start.</summary>
    internal long NowTicks => nowTicks;

    /// <summary>The sequence number of the event running now, or of the last one run.</summary>
    internal long CurrentSequence => currentSequence;

    /// <summary>
    /// Runs <paramref name="action"/> after <paramref name="delay"/> of virtual time. Events due at the same
    /// instant run in the order they were scheduled.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public void Schedule(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Enqueue(ToDelayTicks(delay), new ScheduledEvent(action));
    }

    /// <summary>
    /// Runs <paramref name="callback"/> with <paramref name="state"/> after <paramref name="delay"/> of virtual
    /// time: the allocation-free form of <see cref="Schedule(TimeSpan, Action)"/> for hot paths, used with a
    /// static callback instead of a closure.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public void Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Enqueue(ToDelayTicks(delay), new ScheduledEvent(callback, state));
    }

    /// <summary>
    /// Runs the next event, first advancing the clock to its due time.
    /// </summary>
    /// <returns>False when no event is queued.</returns>
    public bool RunNext()
    {
        var previous = Enter();
        try
        {
            if (!queue.TryPeek(out _, out _))
            {
                return false;
            }

            RunOne();
            return true;
        }
        finally
        {
            Leave(previous);
        }
    }

    /// <summary>
    /// Runs every event due up to <see cref="Elapsed"/> + <paramref name="duration"/>, including events those
    /// events schedule within that window, then sets the clock to the end of the window.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public void RunFor(TimeSpan duration)
    {
        var end = DeadlineAfter(duration, nameof(duration));
        var previous = Enter();
        try
        {
            while (queue.TryPeek(out _, out var next) && next.DueTicks <= end)
            {
                RunOne();
            }

            AdvanceTo(end);
        }
        finally
        {
            Leave(previous);
        }
    }

    /// <summary>
    /// Runs events until <paramref name="condition"/> holds or <paramref name="timeout"/> of virtual time passes.
    /// </summary>
    /// <remarks>
    /// The condition is checked before any event runs and then once per distinct virtual instant, after every
    /// event due at that instant has run, so an expensive condition costs little and the clock stops at the
    /// first instant at which it holds. When the timeout passes (or no event is left before it) the clock is set
    /// to the deadline and the condition is checked one last time. <see cref="Timeout.InfiniteTimeSpan"/>
    /// means no deadline: events run until the condition holds or the queue is empty.
    /// </remarks>
    /// <returns>Whether the condition held.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    public bool RunUntil(Func<bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DeadlineAfterTimeout(timeout);
        var previous = Enter();
        try
        {
            if (condition())
            {
                return true;
            }

            var ranSinceCheck = false;
            while (queue.TryPeek(out _, out var next) && next.DueTicks <= deadline)
            {
                if (ranSinceCheck && next.DueTicks > nowTicks)
                {
                    if (condition())
                    {
                        return true;
                    }

                    ranSinceCheck = false;
                }

                RunOne();
                ranSinceCheck = true;
            }

            if (timeout != Timeout.InfiniteTimeSpan)
            {
                AdvanceTo(deadline);
            }

            return condition();
        }
        finally
        {
            Leave(previous);
        }
    }

    /// <summary>
    /// Starts <paramref name="operation"/> inside the scheduler's synchronization context and runs events until
    /// the task it returns completes.
    /// </summary>
    /// <returns>The task's result.</returns>
    /// <exception cref="TimeoutException">
    /// <paramref name="timeout"/> of virtual time passed first (the clock is then at the deadline), or the
    /// queue ran dry while the task was still waiting, which means it waits for something outside the
    /// simulation (the clock then stays where the last event left it).
    /// </exception>
    /// <remarks>
    /// The task's own exception is rethrown as it is, not wrapped in an <see cref="AggregateException"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> means no deadline.
    /// </remarks>
    public T Run<T>(Func<Task<T>> operation, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var task = RunToCompletion(operation, timeout);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Starts <paramref name="operation"/> inside the scheduler's synchronization context and runs events until
    /// the task it returns completes; rethrows the task's exception as it is.
    /// </summary>
    /// <exception cref="TimeoutException">
    /// <paramref name="timeout"/> of virtual time passed first, or the queue ran dry while the task was still
    /// waiting; see <see cref="Run{T}(Func{Task{T}}, TimeSpan)"/>.
    /// </exception>
    public void Run(Func<Task> operation, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var task = RunToCompletion(operation, timeout);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Queues an event <paramref name="delayTicks"/> (non-negative) from now and returns its sequence number.</summary>
    internal long Enqueue(long delayTicks, ScheduledEvent scheduledEvent)
    {
        var sequence = nextSequence++;
        queue.Enqueue(scheduledEvent, new SimulationEventKey(SaturatingAdd(nowTicks, delayTicks), sequence));
        return sequence;
    }

    private TTask RunToCompletion<TTask>(Func<TTask> operation, TimeSpan timeout)
        where TTask : Task
    {
        var deadline = DeadlineAfterTimeout(timeout);
        var startedAt = nowTicks;
        var previous = Enter();
        try
        {
            var task = operation() ?? throw new InvalidOperationException("The operation passed to SimulationScheduler.Run returned null instead of a task.");
            while (!task.IsCompleted)
            {
                if (!queue.TryPeek(out _, out var next))
                {
                    throw new TimeoutException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The simulated operation started at virtual time {new TimeSpan(startedAt)} can never complete: no events were left to run at virtual time {Elapsed}, before its {timeout} timeout. It waits for something outside the simulation (a real timer, another thread, a TaskCompletionSource nobody completes)."));
                }

                if (next.DueTicks > deadline)
                {
                    AdvanceTo(deadline);
                    throw new TimeoutException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The simulated operation started at virtual time {new TimeSpan(startedAt)} did not complete within its {timeout} timeout of virtual time; {queue.Count} events are still queued."));
                }

                RunOne();
            }

            return task;
        }
        finally
        {
            Leave(previous);
        }
    }

    private void RunOne()
    {
        queue.TryDequeue(out var scheduledEvent, out var key);
        nowTicks = key.DueTicks;
        currentSequence = key.Sequence;
        eventsRun++;
        scheduledEvent.Invoke();
    }

    private void AdvanceTo(long ticks)
    {
        if (ticks > nowTicks)
        {
            nowTicks = ticks;
        }
    }

    private SynchronizationContext? Enter()
    {
        if (running)
        {
            throw new InvalidOperationException("The simulation scheduler is already running events; a run method cannot be called from inside an event.");
        }

        running = true;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(synchronizationContext);
        return previous;
    }

    private void Leave(SynchronizationContext? previous)
    {
        SynchronizationContext.SetSynchronizationContext(previous);
        running = false;
    }

    private long DeadlineAfter(TimeSpan duration, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero, parameterName);
        return SaturatingAdd(nowTicks, duration.Ticks);
    }

    private long DeadlineAfterTimeout(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : DeadlineAfter(timeout, nameof(timeout));

    private static long ToDelayTicks(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(delay));
        return delay.Ticks;
    }

    private static long SaturatingAdd(long now, long delay) => delay > long.MaxValue - now ? long.MaxValue : now + delay;
}
