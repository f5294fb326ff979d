using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

public class SimulatedNetworkTimeoutTests
{
    private static readonly NodeInfo Server = NodeInfo.FromAddress("sim://server");

    private SimulationScheduler scheduler = null!;
    private SimulatedNetwork network = null!;
    private INodeTransport transport = null!;

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [SetUp]
    public void CreateLossyNetwork()
    {
        scheduler = new SimulationScheduler();
        network = new SimulatedNetwork(scheduler, new Random(99), new SimulatedNetworkOptions { LossRate = 1.0 });
        network.Attach(Server, new EchoHandler(Server));
        transport = network.CreateTransport(NodeInfo.FromAddress("sim://client"));
    }

    /// <summary>Sends a ping after <paramref name="delay"/> and records the virtual time at which it fails.</summary>
    private void PingAt(TimeSpan delay, string name, List<string> failures) =>
        scheduler.Schedule(delay, async () =>
        {
            try
            {
                await transport.SendAsync(Server, new PingRequest());
                failures.Add($"{name} answered");
            }
            catch (NodeUnreachableException)
            {
                failures.Add($"{name}@{scheduler.Elapsed.TotalMilliseconds}");
            }
        });

    [Test]
    public void Every_unanswered_request_times_out_exactly_its_timeout_after_it_was_sent()
    {
        var failures = new List<string>();
        PingAt(Ms(0), "a", failures);
        PingAt(Ms(3), "b", failures);
        PingAt(Ms(3), "c", failures);
        PingAt(Ms(250), "d", failures);

        scheduler.RunFor(TimeSpan.FromSeconds(2));

        Assert.That(failures, Is.EqualTo(new[] { "a@500", "b@503", "c@503", "d@750" }));
    }

    [Test]
    public void Shortening_the_timeout_while_requests_wait_keeps_each_deadline()
    {
        var failures = new List<string>();
        PingAt(Ms(0), "long", failures);
        scheduler.Schedule(Ms(100), () => network.Options.RequestTimeout = Ms(100));
        PingAt(Ms(100), "short", failures);
        scheduler.Schedule(Ms(300), () => network.Options.RequestTimeout = Ms(500));
        PingAt(Ms(300), "long again", failures);

        scheduler.RunFor(TimeSpan.FromSeconds(2));

        Assert.That(failures, Is.EqualTo(new[] { "short@200", "long@500", "long again@800" }));
    }

    [Test]
    public void A_caller_that_retries_from_its_timeout_handler_times_out_again_on_schedule()
    {
        var attempts = new List<double>();

        scheduler.Run(
            async () =>
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    try
                    {
                        await transport.SendAsync(Server, new PingRequest());
                    }
                    catch (NodeUnreachableException)
                    {
                        attempts.Add(scheduler.Elapsed.TotalMilliseconds);
                    }
                }
            },
            TimeSpan.FromSeconds(10));

        Assert.That(attempts, Is.EqualTo(new[] { 500.0, 1000.0, 1500.0 }));
    }

    [Test]
    public void Answered_requests_leave_no_timeout_behind()
    {
        network.Options.LossRate = 0;
        var calls = Enumerable.Range(0, 100).Select(_ => transport.SendAsync(Server, new PingRequest())).ToList();

        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(calls, Has.All.Matches<Task<NodeReply>>(t => t.IsCompletedSuccessfully), "every call was answered");
            Assert.That(scheduler.EventsRun, Is.EqualTo(201), "a delivery and a reply per request, plus one timeout check that found them all answered");
            Assert.That(scheduler.PendingEvents, Is.Zero);
        });
    }
}
