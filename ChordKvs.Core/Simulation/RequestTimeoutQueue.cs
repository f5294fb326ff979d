namespace ChordKvs.Core.Simulation;

/// <summary>
/// The request timeouts of a <see cref="SimulatedNetwork"/>, kept out of the scheduler's heap.
/// </summary>
/// <remarks>
/// <para>
/// Almost every request is answered long before its timeout, and the scheduler's queue cannot remove an
/// event; one timeout event per request would leave the heap full of stale entries and make every event
/// slower. But requests sent with the same timeout expire in the order they were sent, so a first-in,
/// first-out queue holds them in due order, and a single scheduler event, armed for the earliest request
/// still waiting, is enough: when it runs it skips the requests already answered, times out those due now,
/// and re-arms for the next one still waiting.
/// </para>
/// <para>
/// A request whose deadline would come before the last one queued (the timeout option was shortened while
/// running) gets an event of its own, so every timeout still fires at exactly its due time.
/// </para>
/// </remarks>
internal sealed class RequestTimeoutQueue
{
    private static readonly Action<object?> FireCallback = static state => ((RequestTimeoutQueue)state!).Fire();
    private static readonly Action<object?> FireOneCallback = static state =>
    {
        var exchange = (SimulatedExchange)state!;
        exchange.Network.OnTimeout(exchange);
    };

    private readonly SimulationScheduler scheduler;
    private readonly Queue<(long DueTicks, SimulatedExchange Exchange)> waiting = new();
    private long lastDueTicks;
    private bool armed;
    private bool firing;

    public RequestTimeoutQueue(SimulationScheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    /// <summary>Times <paramref name="exchange"/> out after <paramref name="timeout"/> of virtual time unless it has finished by then.</summary>
    public void Add(SimulatedExchange exchange, TimeSpan timeout)
    {
        var now = scheduler.NowTicks;
        var due = timeout.Ticks > long.MaxValue - now ? long.MaxValue : now + timeout.Ticks;
        if (waiting.Count > 0 && due < lastDueTicks)
        {
            scheduler.Enqueue(timeout.Ticks, new ScheduledEvent(FireOneCallback, exchange));
            return;
        }

        waiting.Enqueue((due, exchange));
        lastDueTicks = due;
        if (!armed && !firing)
        {
            Arm(due);
        }
    }

    private void Arm(long dueTicks)
    {
        armed = true;
        scheduler.Enqueue(Math.Max(0, dueTicks - scheduler.NowTicks), new ScheduledEvent(FireCallback, this));
    }

    private void Fire()
    {
        armed = false;
        firing = true;
        try
        {
            var now = scheduler.NowTicks;
            while (waiting.TryPeek(out var head) && (head.Exchange.Finished || head.DueTicks <= now))
            {
                waiting.Dequeue();
                if (!head.Exchange.Finished)
                {
                    // May run the caller's continuation inline, which may send (and so Add) again.
                    head.Exchange.Network.OnTimeout(head.Exchange);
                }
            }
        }
        finally
        {
            // Re-armed here rather than in the loop so that an exception escaping a timeout leaves the
            // remaining requests armed.
            firing = false;
            if (waiting.TryPeek(out var next))
            {
                Arm(next.DueTicks);
            }
        }
    }
}
