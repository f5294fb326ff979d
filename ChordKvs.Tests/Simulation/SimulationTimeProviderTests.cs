using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Simulation;

public class SimulationTimeProviderTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Test]
    public void The_clock_reads_virtual_time_from_the_start()
    {
        var scheduler = new SimulationScheduler();
        var time = scheduler.TimeProvider;
        var startStamp = time.GetTimestamp();

        scheduler.RunFor(TimeSpan.FromSeconds(90));

        Assert.Multiple(() =>
        {
            Assert.That(time.GetUtcNow(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 1, 30, TimeSpan.Zero)), "default start 2026-01-01T00:00:00Z plus 90 s");
            Assert.That(time.GetElapsedTime(startStamp), Is.EqualTo(TimeSpan.FromSeconds(90)), "timestamps measure virtual time");
            Assert.That(time.LocalTimeZone, Is.EqualTo(TimeZoneInfo.Utc));
            Assert.That(time.GetLocalNow().Offset, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public void The_start_can_be_chosen()
    {
        var start = new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var scheduler = new SimulationScheduler(start);

        Assert.That(scheduler.TimeProvider.GetUtcNow(), Is.EqualTo(start));
    }

    [Test]
    public void A_one_shot_timer_fires_once_at_its_due_time()
    {
        var scheduler = new SimulationScheduler();
        var firings = new List<TimeSpan>();
        using var timer = scheduler.TimeProvider.CreateTimer(_ => firings.Add(scheduler.Elapsed), null, Ms(10), Timeout.InfiniteTimeSpan);

        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.That(firings, Is.EqualTo(new[] { Ms(10) }));
    }

    [Test]
    public void A_timer_with_period_zero_fires_once()
    {
        var scheduler = new SimulationScheduler();
        var firings = 0;
        using var timer = scheduler.TimeProvider.CreateTimer(_ => firings++, null, Ms(10), TimeSpan.Zero);

        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.That(firings, Is.EqualTo(1));
    }

    [Test]
    public void A_periodic_timer_fires_every_period_and_passes_its_state()
    {
        var scheduler = new SimulationScheduler();
        var firings = new List<(TimeSpan At, object? State)>();
        var state = new object();
        using var timer = scheduler.TimeProvider.CreateTimer(s => firings.Add((scheduler.Elapsed, s)), state, Ms(10), Ms(25));

        scheduler.RunFor(Ms(100));

        Assert.Multiple(() =>
        {
            Assert.That(firings.Select(f => f.At), Is.EqualTo(new[] { Ms(10), Ms(35), Ms(60), Ms(85) }));
            Assert.That(firings.Select(f => f.State), Is.All.SameAs(state));
        });
    }

    [Test]
    public void Change_moves_the_next_firing_and_the_old_one_never_fires()
    {
        var scheduler = new SimulationScheduler();
        var firings = new List<TimeSpan>();
        using var timer = scheduler.TimeProvider.CreateTimer(_ => firings.Add(scheduler.Elapsed), null, Ms(10), Ms(10));
        scheduler.RunFor(Ms(15));

        var changed = timer.Change(Ms(50), Ms(100));
        scheduler.RunFor(Ms(200));

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(firings, Is.EqualTo(new[] { Ms(10), Ms(65), Ms(165) }), "after the change at 15 ms: 15 + 50, then every 100 ms; the stale firing at 20 ms never runs");
        });
    }

    [Test]
    public void Change_to_infinite_stops_a_periodic_timer()
    {
        var scheduler = new SimulationScheduler();
        var firings = 0;
        using var timer = scheduler.TimeProvider.CreateTimer(_ => firings++, null, Ms(10), Ms(10));
        scheduler.RunFor(Ms(35));

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.That(firings, Is.EqualTo(3), "fired at 10, 20 and 30 ms, then never again");
    }

    [Test]
    public void A_disposed_timer_never_fires_and_cannot_be_changed()
    {
        var scheduler = new SimulationScheduler();
        var firings = 0;
        var timer = scheduler.TimeProvider.CreateTimer(_ => firings++, null, Ms(10), Ms(10));

        timer.Dispose();
        var changed = timer.Change(Ms(1), Ms(1));
        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(firings, Is.Zero);
            Assert.That(changed, Is.False, "Change on a disposed timer reports failure");
        });
    }

    [Test]
    public void A_periodic_timer_can_dispose_itself_from_its_callback()
    {
        var scheduler = new SimulationScheduler();
        var firings = 0;
        ITimer? timer = null;
        timer = scheduler.TimeProvider.CreateTimer(
            _ =>
            {
                if (++firings == 2)
                {
                    timer!.Dispose();
                }
            },
            null,
            Ms(10),
            Ms(10));

        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.That(firings, Is.EqualTo(2));
    }

    [Test]
    public void A_negative_due_time_is_rejected()
    {
        var scheduler = new SimulationScheduler();

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.TimeProvider.CreateTimer(_ => { }, null, Ms(-5), Timeout.InfiniteTimeSpan));
    }

    [Test]
    public void A_cancellation_token_source_on_the_virtual_clock_cancels_at_its_virtual_deadline()
    {
        var scheduler = new SimulationScheduler();
        using var source = new CancellationTokenSource(TimeSpan.FromSeconds(1), scheduler.TimeProvider);

        scheduler.RunFor(Ms(999));
        var beforeDeadline = source.IsCancellationRequested;
        scheduler.RunFor(Ms(1));

        Assert.Multiple(() =>
        {
            Assert.That(beforeDeadline, Is.False, "not cancelled at 999 ms");
            Assert.That(source.IsCancellationRequested, Is.True, "cancelled at 1 s");
        });
    }

    [Test]
    public void A_PeriodicTimer_on_the_virtual_clock_ticks_on_schedule()
    {
        var scheduler = new SimulationScheduler();

        var ticks = scheduler.Run(
            async () =>
            {
                using var periodic = new PeriodicTimer(Ms(250), scheduler.TimeProvider);
                var at = new List<TimeSpan>();
                for (var i = 0; i < 4; i++)
                {
                    await periodic.WaitForNextTickAsync();
                    at.Add(scheduler.Elapsed);
                }

                return at;
            },
            TimeSpan.FromSeconds(5));

        Assert.That(ticks, Is.EqualTo(new[] { Ms(250), Ms(500), Ms(750), Ms(1000) }));
    }
}
