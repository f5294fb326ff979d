namespace ChordKvs.Core.Simulation;

/// <summary>
/// The synchronization context installed while a <see cref="SimulationScheduler"/> runs events, so that
/// <c>await</c> continuations in protocol code come back to the simulation as ordinary events.
/// </summary>
/// <remarks>
/// <see cref="Post"/> enqueues the callback at the current virtual instant, behind every event already
/// due then, which keeps continuation order deterministic. <see cref="Send"/> runs inline: the
/// simulation has one thread, so there is nothing to marshal to.
/// </remarks>
internal sealed class SimulationSynchronizationContext : SynchronizationContext
{
    private readonly SimulationScheduler scheduler;

    public SimulationSynchronizationContext(SimulationScheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        scheduler.Enqueue(0, new ScheduledEvent(d, state));
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        d(state);
    }

    // The context carries no per-copy state; copies would only defeat the identity check the runtime
    // uses to run a continuation inline when it completes on its own context.
    public override SynchronizationContext CreateCopy() => this;
}
