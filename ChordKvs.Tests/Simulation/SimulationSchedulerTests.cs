using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Simulation;

public class SimulationSchedulerTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Test]
    public void Events_run_in_due_time_order_and_move_the_clock_to_each()
    {
        var scheduler = new SimulationScheduler();
        var log = new List<(string Name, TimeSpan At)>();
        scheduler.Schedule(Ms(30), () => log.Add(("c", scheduler.Elapsed)));
        scheduler.Schedule(Ms(10), () => log.Add(("a", scheduler.Elapsed)));
        scheduler.Schedule(Ms(20), () => log.Add(("b", scheduler.Elapsed)));

        var ran = new[] { scheduler.RunNext(), scheduler.RunNext(), scheduler.RunNext(), scheduler.RunNext() };

        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo(new[] { ("a", Ms(10)), ("b", Ms(20)), ("c", Ms(30)) }), "events run earliest first, each at its own due time");
            Assert.That(ran, Is.EqualTo(new[] { true, true, true, false }), "RunNext reports false once the queue is empty");
            Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(30)), "the clock stays at the last event");
            Assert.That(scheduler.EventsRun, Is.EqualTo(3), "three events ran");
        });
    }

    [Test]
    public void Events_due_at_the_same_instant_run_in_the_order_scheduled()
    {
        var scheduler = new SimulationScheduler();
        var order = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var index = i;
            scheduler.Schedule(Ms(5), () => order.Add(index));
        }

        scheduler.RunFor(Ms(5));

        Assert.That(order, Is.EqualTo(Enumerable.Range(0, 100)), "equal due times keep first-in, first-out order");
    }

    [Test]
    public void An_event_scheduled_with_no_delay_runs_after_the_events_already_due_at_that_instant()
    {
        var scheduler = new SimulationScheduler();
        var order = new List<string>();
        scheduler.Schedule(Ms(1), () =>
        {
            order.Add("first");
            scheduler.Schedule(TimeSpan.Zero, () => order.Add("scheduled by first"));
        });
        scheduler.Schedule(Ms(1), () => order.Add("second"));

        scheduler.RunFor(Ms(1));

        Assert.That(order, Is.EqualTo(new[] { "first", "second", "scheduled by first" }));
    }

    [Test]
    public void Scheduling_with_a_negative_delay_is_rejected()
    {
        var scheduler = new SimulationScheduler();

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Schedule(Ms(-1), () => { }));
    }

    [Test]
    public void RunFor_runs_the_events_due_in_the_window_and_ends_at_its_end()
    {
        var scheduler = new SimulationScheduler();
        var ran = new List<double>();
        foreach (var at in new[] { 5.0, 10.0, 15.0 })
        {
            scheduler.Schedule(Ms(at), () => ran.Add(scheduler.Elapsed.TotalMilliseconds));
        }

        scheduler.Schedule(Ms(2), () => scheduler.Schedule(Ms(3), () => ran.Add(-scheduler.Elapsed.TotalMilliseconds)));

        scheduler.RunFor(Ms(10));

        Assert.Multiple(() =>
        {
            Assert.That(ran, Is.EqualTo(new[] { 5.0, -5.0, 10.0 }), "events at the window's end run; events scheduled inside the window run too");
            Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(10)), "the clock ends at the end of the window");
            Assert.That(scheduler.PendingEvents, Is.EqualTo(1), "the event at 15 ms waits");
        });

        scheduler.RunFor(Ms(100));

        Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(110)), "an empty queue still lets time pass");
    }

    [Test]
    public void RunUntil_stops_at_the_first_instant_where_the_condition_holds()
    {
        var scheduler = new SimulationScheduler();
        var count = 0;
        for (var i = 1; i <= 10; i++)
        {
            scheduler.Schedule(Ms(i), () => count++);
        }

        var held = scheduler.RunUntil(() => count >= 3, TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.True, "the condition became true at 3 ms");
            Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(3)), "the clock stops where the condition first held");
            Assert.That(count, Is.EqualTo(3), "no event after that instant ran");
        });
    }

    [Test]
    public void RunUntil_checks_the_condition_once_per_virtual_instant_after_all_its_events()
    {
        var scheduler = new SimulationScheduler();
        var count = 0;
        var checks = 0;
        for (var i = 0; i < 10; i++)
        {
            scheduler.Schedule(Ms(1), () => count++);
            scheduler.Schedule(Ms(2), () => count++);
        }

        var held = scheduler.RunUntil(
            () =>
            {
                checks++;
                return count >= 5;
            },
            TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.True);
            Assert.That(count, Is.EqualTo(10), "every event due at 1 ms ran before the check");
            Assert.That(checks, Is.EqualTo(2), "one check before starting and one after the instant 1 ms");
            Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(1)));
        });
    }

    [Test]
    public void RunUntil_that_never_holds_returns_false_at_the_deadline()
    {
        var scheduler = new SimulationScheduler();
        var count = 0;
        scheduler.Schedule(Ms(10), () => count++);
        scheduler.Schedule(Ms(2000), () => count++);

        var held = scheduler.RunUntil(() => count > 5, TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.False, "the condition never held");
            Assert.That(scheduler.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(1)), "the clock is at the deadline");
            Assert.That(count, Is.EqualTo(1), "the event after the deadline did not run");
        });
    }

    [Test]
    public void RunUntil_with_a_condition_already_true_runs_nothing()
    {
        var scheduler = new SimulationScheduler();
        scheduler.Schedule(Ms(1), () => Assert.Fail("no event should run when the condition already holds"));

        Assert.Multiple(() =>
        {
            Assert.That(scheduler.RunUntil(() => true, TimeSpan.FromSeconds(1)), Is.True);
            Assert.That(scheduler.EventsRun, Is.Zero);
            Assert.That(scheduler.Elapsed, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public void Run_returns_the_result_when_the_operation_completes()
    {
        var scheduler = new SimulationScheduler();

        var result = scheduler.Run(
            async () =>
            {
                await Task.Delay(Ms(5), scheduler.TimeProvider);
                return 42;
            },
            TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(42));
            Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(5)), "the clock stops where the operation completed");
        });
    }

    [Test]
    public void Run_rethrows_the_operation_exception_unwrapped()
    {
        var scheduler = new SimulationScheduler();

        var thrown = Assert.Throws<InvalidOperationException>(() => scheduler.Run(
            async () =>
            {
                await Task.Delay(Ms(5), scheduler.TimeProvider);
                throw new InvalidOperationException("boom");
            },
            TimeSpan.FromSeconds(1)));

        Assert.That(thrown!.Message, Is.EqualTo("boom"));
    }

    [Test]
    public void Run_throws_TimeoutException_when_the_virtual_timeout_passes_first()
    {
        var scheduler = new SimulationScheduler();

        var thrown = Assert.Throws<TimeoutException>(() => scheduler.Run(
            async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(10), scheduler.TimeProvider);
                return 1;
            },
            TimeSpan.FromSeconds(1)));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Message, Does.Contain("did not complete within its 00:00:01 timeout"));
            Assert.That(scheduler.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(1)), "the clock is at the deadline");
        });
    }

    [Test]
    public void Run_throws_TimeoutException_when_nothing_is_left_that_could_complete_the_operation()
    {
        var scheduler = new SimulationScheduler();
        var neverCompleted = new TaskCompletionSource();

        var thrown = Assert.Throws<TimeoutException>(() => scheduler.Run(() => neverCompleted.Task, TimeSpan.FromSeconds(1)));

        Assert.That(thrown!.Message, Does.Contain("can never complete"));
    }

    [Test]
    public void An_exception_thrown_by_an_event_propagates_out_of_every_run_method()
    {
        var scheduler = new SimulationScheduler();
        void Schedule() => scheduler.Schedule(Ms(1), () => throw new InvalidOperationException("event failed"));

        Schedule();
        Assert.Throws<InvalidOperationException>(() => scheduler.RunNext(), "RunNext");
        Schedule();
        Assert.Throws<InvalidOperationException>(() => scheduler.RunFor(Ms(10)), "RunFor");
        Schedule();
        Assert.Throws<InvalidOperationException>(() => scheduler.RunUntil(() => false, Ms(10)), "RunUntil");
        Schedule();
        Assert.Throws<InvalidOperationException>(() => scheduler.Run(() => Task.Delay(Ms(5), scheduler.TimeProvider), Ms(10)), "Run");
    }

    [Test]
    public void A_chain_of_awaits_completes_at_exactly_the_sum_of_its_delays_on_the_scheduler()
    {
        var scheduler = new SimulationScheduler();
        var testThread = Environment.CurrentManagedThreadId;
        var observations = new List<(TimeSpan At, bool OnScheduler, int Thread)>();

        var finishedAt = scheduler.Run(
            async () =>
            {
                foreach (var delay in new[] { 10, 20, 30 })
                {
                    await Task.Delay(Ms(delay), scheduler.TimeProvider);
                    observations.Add((scheduler.Elapsed, SynchronizationContext.Current == scheduler.SynchronizationContext, Environment.CurrentManagedThreadId));
                }

                return scheduler.Elapsed;
            },
            TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(finishedAt, Is.EqualTo(Ms(60)), "10 + 20 + 30 ms of virtual time");
            Assert.That(observations.Select(o => o.At), Is.EqualTo(new[] { Ms(10), Ms(30), Ms(60) }), "each continuation ran when its delay ended");
            Assert.That(observations.Select(o => o.OnScheduler), Is.All.True, "continuations run under the scheduler's synchronization context");
            Assert.That(observations.Select(o => o.Thread), Is.All.EqualTo(testThread), "continuations run on the thread driving the scheduler");
        });
    }

    [Test]
    public void Concurrent_async_flows_interleave_in_virtual_time_order()
    {
        var scheduler = new SimulationScheduler();
        var log = new List<string>();

        async Task Flow(string name, int stepMilliseconds)
        {
            for (var step = 1; step <= 3; step++)
            {
                await Task.Delay(Ms(stepMilliseconds), scheduler.TimeProvider);
                log.Add($"{name}{step}@{scheduler.Elapsed.TotalMilliseconds}");
            }
        }

        scheduler.Run(() => Task.WhenAll(Flow("a", 3), Flow("b", 5)), TimeSpan.FromSeconds(1));

        Assert.That(log, Is.EqualTo(new[] { "a1@3", "b1@5", "a2@6", "a3@9", "b2@10", "b3@15" }));
    }

    [Test]
    public void Posted_callbacks_run_as_events_at_the_current_instant_and_the_previous_context_is_restored()
    {
        var scheduler = new SimulationScheduler();
        var previous = new SynchronizationContext();
        var order = new List<string>();
        SynchronizationContext.SetSynchronizationContext(previous);
        try
        {
            scheduler.Schedule(Ms(1), () =>
            {
                SynchronizationContext.Current!.Post(_ => order.Add($"posted@{scheduler.Elapsed.TotalMilliseconds}"), null);
                order.Add("event");
            });
            scheduler.Schedule(Ms(1), () => order.Add("queued earlier"));

            scheduler.RunFor(Ms(5));

            Assert.Multiple(() =>
            {
                Assert.That(order, Is.EqualTo(new[] { "event", "queued earlier", "posted@1" }), "a posted callback queues behind events already due");
                Assert.That(SynchronizationContext.Current, Is.SameAs(previous), "the caller's synchronization context is restored");
            });
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }

    [Test]
    public void A_run_method_cannot_be_called_from_inside_an_event()
    {
        var scheduler = new SimulationScheduler();
        scheduler.Schedule(Ms(1), () => scheduler.RunNext());

        Assert.Throws<InvalidOperationException>(() => scheduler.RunNext());
    }
}
