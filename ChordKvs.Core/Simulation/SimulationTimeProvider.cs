namespace ChordKvs.Core.Simulation;

/// <summary>
/// The virtual clock of a <see cref="SimulationScheduler"/>, seen through <see cref="TimeProvider"/> so
/// that protocol code reads time and creates timers the same way in production and in simulation.
/// </summary>
/// <remarks>
/// Timestamps count 100 ns ticks of virtual time since the scheduler started; the local time zone is UTC
/// so that nothing depends on the machine running the simulation.
/// </remarks>
internal sealed class SimulationTimeProvider : TimeProvider
{
    private readonly SimulationScheduler scheduler;

    public SimulationTimeProvider(SimulationScheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => scheduler.UtcNow;

    public override long GetTimestamp() => scheduler.NowTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        SimulationTimer.Validate(dueTime, period);
        var timer = new SimulationTimer(scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}
