using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Ring;

/// <summary>Multi-node Chord scenarios on the simulated network, checked against a brute-force oracle.</summary>
public class SimulatedRingTests
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(5);

    internal static SimulatedRing StableRing(int nodes, int seed, ChordOptions? options = null)
    {
        var ring = new SimulatedRing(seed, options);
        ring.CreateRing();
        ring.JoinMany(nodes - 1, TimeSpan.FromMilliseconds(20));
        var error = ring.RunUntilConsistent(SettleLimit, CheckEvery);
        Assert.That(error, Is.Null, $"a {nodes}-node ring (seed {seed}) should stabilize within {SettleLimit} of virtual time");
        return ring;
    }

    internal static double AssertLookupsMatchOracle(SimulatedRing ring, int lookups)
    {
        var oracle = ring.Oracle();
        var asked = Enumerable.Range(0, lookups)
            .Select(_ => (From: ring.LiveNodes[ring.Random.Next(ring.LiveNodes.Count)], Id: new NodeId((ulong)ring.Random.NextInt64(long.MinValue, long.MaxValue))))
            .ToList();
        var results = ring.LookupMany(asked);
        long hops = 0;
        for (var i = 0; i < lookups; i++)
        {
            var (from, id) = asked[i];
            Assert.That(results[i].IsCompletedSuccessfully, Is.True, $"lookup {i} of {id} from {from.Self} failed: {results[i].Exception?.InnerException?.Message}");
            Assert.That(results[i].Result.Successor.Id, Is.EqualTo(oracle.Successor(id).Id), $"lookup {i} of {id} from {from.Self}");
            hops += results[i].Result.Hops;
        }

        return (double)hops / lookups;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(10)]
    public void Small_rings_stabilize_to_the_oracle(int nodes)
    {
        var ring = StableRing(nodes, seed: 100 + nodes);
        AssertLookupsMatchOracle(ring, 200);
        Assert.That(ring.LiveNodes.Sum(node => node.MaintenanceFailures), Is.Zero, "no maintenance round may fail unexpectedly");
    }

    [Test]
    public void A_200_node_ring_matches_the_oracle_in_cycle_fingers_and_lookups()
    {
        var ring = StableRing(200, seed: 7);
        Assert.That(RingConsistency.FindCycleError(ring.LiveNodes), Is.Null);
        AssertLookupsMatchOracle(ring, 2_000);
    }

    [Test]
    public void A_1000_node_ring_answers_10000_lookups_like_the_oracle_in_about_half_log_n_hops()
    {
        const int Nodes = 1_000;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var ring = StableRing(Nodes, seed: 1_000);
        var settled = ring.Scheduler.Elapsed;
        var meanHops = AssertLookupsMatchOracle(ring, 10_000);
        var bound = (0.5 * Math.Log2(Nodes)) + 1;
        TestContext.Out.WriteLine($"{Nodes} nodes: stable after {settled.TotalSeconds:0} s virtual; mean hops {meanHops:0.000} (bound {bound:0.000}); {ring.Network.MessagesSent} messages; {wall.Elapsed.TotalSeconds:0.0} s wall");
        Assert.That(meanHops, Is.LessThanOrEqualTo(bound), "mean hop count should be at most half log2 N plus one");
    }

    [Test]
    public void A_ring_recovers_from_the_crash_of_20_percent_of_its_nodes_at_once()
    {
        var ring = StableRing(200, seed: 11);
        var victims = ring.LiveNodes.OrderBy(_ => ring.Random.Next()).Take(40).ToList();
        foreach (var victim in victims)
        {
            ring.Crash(victim);
        }

        var error = ring.RunUntilConsistent(SettleLimit, CheckEvery);

        Assert.That(error, Is.Null, "160 survivors should form one correct ring again");
        AssertLookupsMatchOracle(ring, 2_000);
    }

    [Test]
    public void Graceful_leave_closes_the_ring_at_once()
    {
        var ring = StableRing(20, seed: 5);
        var leaving = ring.LiveNodes[7];

        ring.Leave(leaving);

        // No stabilize round has had time to run: the leave messages alone must close the gap.
        Assert.That(RingConsistency.FindCycleError(ring.LiveNodes), Is.Null, "the successor walk must skip the node that left");
        Assert.That(RingConsistency.FindPointerError(ring.LiveNodes, ring.Oracle(), ring.Options.SuccessorListLength, checkFingers: false) ?? string.Empty,
            Does.Not.Contain("predecessor"), "the successor of the leaving node takes its predecessor");

        // Nodes farther back still list the departed node until their next stabilize rounds pass the news on.
        Assert.That(ring.RunUntilConsistent(SettleLimit, CheckEvery), Is.Null);
        AssertLookupsMatchOracle(ring, 200);
    }

    [Test]
    public void A_crashed_node_restarted_with_empty_memory_rejoins_under_its_old_identity()
    {
        var ring = StableRing(12, seed: 21);
        var victim = ring.LiveNodes[3];
        ring.Crash(victim);
        ring.Scheduler.RunFor(TimeSpan.FromSeconds(2));

        var restarted = ring.NewNode(victim.Self);
        ring.Scheduler.Run(() => restarted.JoinAsync(ring.LiveNodes[0].Self), TimeSpan.FromMinutes(1));

        Assert.That(ring.RunUntilConsistent(SettleLimit, CheckEvery), Is.Null);
        AssertLookupsMatchOracle(ring, 200);
    }

    [Test]
    public void Joining_through_a_dead_node_fails_with_a_clear_error()
    {
        var ring = StableRing(3, seed: 3);
        var dead = ring.LiveNodes[1];
        ring.Crash(dead);
        var newcomer = ring.NewNode();

        var failure = Assert.Throws<LookupFailedException>(() => ring.Scheduler.Run(() => newcomer.JoinAsync(dead.Self), TimeSpan.FromMinutes(1)));

        Assert.That(failure!.Message, Does.Contain("failed").And.Contain("timeout"), "the message should say the lookup failed on timeouts");
        Assert.That(newcomer.Status, Is.EqualTo(ChordNodeStatus.Created), "a failed join leaves the node outside the ring");
    }

    [Test]
    public void Joining_through_a_node_that_has_not_joined_itself_fails_instead_of_splitting_the_ring()
    {
        var ring = StableRing(5, seed: 31);
        var notYetMember = ring.NewNode();
        var newcomer = ring.NewNode();

        var failure = Assert.Throws<LookupFailedException>(() => ring.Scheduler.Run(() => newcomer.JoinAsync(notYetMember.Self), TimeSpan.FromMinutes(1)));

        Assert.That(failure!.Message, Does.Contain("no node on the route answered with a closer one"));
        Assert.That(newcomer.Status, Is.EqualTo(ChordNodeStatus.Created), "the newcomer must not take the outsider as its successor");
    }

    [Test]
    public void A_lookup_whose_route_is_dead_fails_instead_of_looping()
    {
        var ring = StableRing(30, seed: 9);
        var asker = ring.LiveNodes[0];
        foreach (var other in ring.LiveNodes.Skip(1).ToList())
        {
            ring.Crash(other);
        }

        var target = new NodeId(asker.Self.Id.Value + (ulong.MaxValue / 2));

        var failure = Assert.Throws<LookupFailedException>(() => ring.Lookup(asker, target));

        Assert.That(failure!.Timeouts, Is.GreaterThan(0), "every hop it tried should have timed out");
        Assert.That(failure.Hops + failure.Timeouts, Is.LessThanOrEqualTo(ring.Options.LookupHopLimit));
    }

    [Test]
    public void A_lookup_stops_at_the_hop_limit()
    {
        var ring = StableRing(64, seed: 13);
        ring.Options.LookupHopLimit = 1;
        var asker = ring.LiveNodes[0];
        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            try
            {
                ring.Lookup(asker, new NodeId((ulong)ring.Random.NextInt64(long.MinValue, long.MaxValue)));
            }
            catch (LookupFailedException failure)
            {
                Assert.That(failure.Message, Does.Contain("hop limit of 1"));
                failures++;
            }
        }

        Assert.That(failures, Is.GreaterThan(0), "in a 64-node ring some lookups need more than one hop");
    }

    [Test]
    public void The_same_seed_gives_the_same_trace_and_another_seed_a_different_one()
    {
        static ulong Trace(int seed)
        {
            var ring = StableRing(40, seed);
            ring.Crash(ring.LiveNodes[4]);
            ring.Scheduler.RunFor(TimeSpan.FromSeconds(30));
            return ring.Network.TraceHash;
        }

        var first = Trace(seed: 42);
        var again = Trace(seed: 42);
        var other = Trace(seed: 43);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(first), "the same seed must replay the same event trace");
            Assert.That(other, Is.Not.EqualTo(first), "a different seed should give a different trace");
        });
    }
}
