using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

public class SimulatedNetworkDeterminismTests
{
    private sealed record Outcome(ulong TraceHash, long Sent, long Delivered, long Dropped, int Answered, int Unreachable, long EventsRun, TimeSpan Elapsed);

    /// <summary>
    /// 50 echo nodes exchange 3,000 pings at random moments with 10% loss, through a partition and a crash
    /// and restart. <paramref name="networkSeed"/> drives the network; <paramref name="scenarioSeed"/> picks
    /// who pings whom and when.
    /// </summary>
    private static Outcome RunScenario(int networkSeed, int scenarioSeed)
    {
        var scheduler = new SimulationScheduler();
        var network = new SimulatedNetwork(scheduler, new Random(networkSeed), new SimulatedNetworkOptions { LossRate = 0.1 });
        var scenario = new Random(scenarioSeed);
        var nodes = Enumerable.Range(0, 50).Select(i => NodeInfo.FromAddress($"sim://node-{i}")).ToArray();
        var transports = new INodeTransport[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            network.Attach(nodes[i], new EchoHandler(nodes[i]));
            transports[i] = network.CreateTransport(nodes[i]);
        }

        var answered = 0;
        var unreachable = 0;
        async Task PingAsync(int from, int to)
        {
            try
            {
                await transports[from].SendAsync(nodes[to], new PingRequest());
                answered++;
            }
            catch (NodeUnreachableException)
            {
                unreachable++;
            }
        }

        for (var i = 0; i < 3000; i++)
        {
            var from = scenario.Next(nodes.Length);
            var to = scenario.Next(nodes.Length);
            scheduler.Schedule(TimeSpan.FromMilliseconds(scenario.Next(2000)), () => _ = PingAsync(from, to));
        }

        scheduler.Schedule(TimeSpan.FromMilliseconds(500), () => network.Partition(nodes.Take(20).Select(n => n.Id).ToArray()));
        scheduler.Schedule(TimeSpan.FromMilliseconds(800), network.Heal);
        scheduler.Schedule(TimeSpan.FromMilliseconds(1000), () => network.Crash(nodes[7].Id));
        scheduler.Schedule(TimeSpan.FromMilliseconds(1500), () => network.Attach(nodes[7], new EchoHandler(nodes[7])));

        scheduler.RunFor(TimeSpan.FromSeconds(3));

        return new Outcome(network.TraceHash, network.MessagesSent, network.MessagesDelivered, network.MessagesDropped, answered, unreachable, scheduler.EventsRun, scheduler.Elapsed);
    }

    [Test]
    public void The_scenario_is_not_trivial()
    {
        var outcome = RunScenario(networkSeed: 1, scenarioSeed: 2);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Answered + outcome.Unreachable, Is.EqualTo(3000), "every ping ended one way or the other");
            Assert.That(outcome.Answered, Is.GreaterThan(2000), "most pings are answered");
            Assert.That(outcome.Unreachable, Is.GreaterThan(300), "loss, the partition and the crash cost some");
            Assert.That(outcome.Dropped, Is.GreaterThan(0));
            Assert.That(outcome.Sent, Is.EqualTo(outcome.Delivered + outcome.Dropped), "nothing is left in flight after 3 s");
        });
    }

    [Test]
    public void The_same_seeds_give_the_same_trace()
    {
        var first = RunScenario(networkSeed: 1, scenarioSeed: 2);
        var second = RunScenario(networkSeed: 1, scenarioSeed: 2);

        Assert.That(second, Is.EqualTo(first), "two runs with the same seeds must agree on the trace hash and every counter");
    }

    [Test]
    public void A_different_network_seed_gives_a_different_trace()
    {
        var first = RunScenario(networkSeed: 1, scenarioSeed: 2);
        var other = RunScenario(networkSeed: 3, scenarioSeed: 2);

        Assert.That(other.TraceHash, Is.Not.EqualTo(first.TraceHash), "other latency and loss draws must change the trace hash");
    }

    [Test]
    public void A_different_scenario_gives_a_different_trace()
    {
        var first = RunScenario(networkSeed: 1, scenarioSeed: 2);
        var other = RunScenario(networkSeed: 1, scenarioSeed: 4);

        Assert.That(other.TraceHash, Is.Not.EqualTo(first.TraceHash), "other senders, targets and times must change the trace hash");
    }

    [Test]
    public void The_trace_hash_starts_at_the_FNV_offset_basis_and_moves_with_every_message_event()
    {
        var scheduler = new SimulationScheduler();
        var network = new SimulatedNetwork(scheduler, new Random(5));
        var server = NodeInfo.FromAddress("sim://server");
        network.Attach(server, new EchoHandler(server));
        var initial = network.TraceHash;

        _ = network.CreateTransport(NodeInfo.FromAddress("sim://client")).SendAsync(server, new PingRequest());
        var hashes = new List<ulong>();
        while (scheduler.RunNext())
        {
            hashes.Add(network.TraceHash);
        }

        Assert.Multiple(() =>
        {
            Assert.That(initial, Is.EqualTo(14695981039346656037UL), "an empty trace hashes to the FNV-1a offset basis");
            Assert.That(hashes[0], Is.Not.EqualTo(initial), "the request's delivery changed the hash");
            Assert.That(hashes[1], Is.Not.EqualTo(hashes[0]), "the reply's delivery changed the hash");
            Assert.That(hashes[2], Is.EqualTo(hashes[1]), "the stale timeout event after the reply changes nothing");
        });
    }
}
