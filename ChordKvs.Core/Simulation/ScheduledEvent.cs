namespace ChordKvs.Core.Simulation;

/// <summary>
/// The work of one queued event: a callback and the state it receives.
/// </summary>
/// <remarks>
/// The callback is kept as one of three delegate types rather than wrapped in a closure, so that the
/// network's per-message events (a cached static callback plus the in-flight exchange as state) and the
/// synchronization context's posted continuations (the runtime's own callback plus its state) enqueue
/// without allocating.
/// </remarks>
internal readonly struct ScheduledEvent
{
    private readonly object callback;
    private readonly object? state;

    public ScheduledEvent(Action action)
    {
        callback = action;
    }

    public ScheduledEvent(Action<object?> callback, object? state)
    {
        this.callback = callback;
        this.state = state;
    }

    public ScheduledEvent(SendOrPostCallback callback, object? state)
    {
        this.callback = callback;
        this.state = state;
    }

    public void Invoke()
    {
        // Delegate types are sealed, so each test is one method-table comparison.
        if (callback is Action<object?> withState)
        {
            withState(state);
        }
        else if (callback is SendOrPostCallback posted)
        {
            posted(state);
        }
        else
        {
            ((Action)callback)();
        }
    }
}
