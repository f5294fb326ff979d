using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Simulation;

/// <summary>Rings built stable from the oracle (<see cref="SimulatedRing.CreateStableRing"/>) for the simulator's static experiments.</summary>
public class StableRingTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(9)]
    [TestCase(500)]
    public void A_stable_ring_has_exactly_the_pointers_stabilization_would_reach(int nodes)
    {
        var ring = new SimulatedRing(seed: nodes);

        var created = ring.CreateStableRing(nodes);

        Assert.That(created, Has.Count.EqualTo(nodes));
        Assert.That(ring.FindError(checkFingers: true), Is.Null, "predecessors, successor lists and all 64 fingers should equal the oracle's");
        Assert.That(ring.Network.MessagesSent, Is.Zero, "building the ring sends nothing");
        Assert.That(created.All(node => node.Status == ChordNodeStatus.Member), Is.True);
        ChordKvs.Tests.Ring.SimulatedRingTests.AssertLookupsMatchOracle(ring, 500);
    }

    [Test]
    public void Without_maintenance_a_stable_ring_stays_silent_and_with_it_stays_correct()
    {
        var paused = new SimulatedRing(seed: 3);
        paused.CreateStableRing(50);
        paused.Scheduler.RunFor(TimeSpan.FromMinutes(1));
        Assert.That(paused.Network.MessagesSent, Is.Zero, "no maintenance timer may run when maintenance is not started");

        var maintained = new SimulatedRing(seed: 3);
        maintained.CreateStableRing(50, startMaintenance: true);
        maintained.Scheduler.RunFor(TimeSpan.FromMinutes(1));
        Assert.That(maintained.Network.MessagesSent, Is.GreaterThan(0), "stabilize and fix_fingers should have run");
        Assert.That(maintained.FindError(checkFingers: true), Is.Null, "maintenance must keep a correct ring correct");
        Assert.That(maintained.LiveNodes.Sum(node => node.MaintenanceFailures), Is.Zero);
    }

    [Test]
    public void A_stable_ring_heals_after_crashes_once_maintenance_runs()
    {
        var ring = new SimulatedRing(seed: 17);
        ring.CreateStableRing(100, startMaintenance: true);
        foreach (var victim in ring.LiveNodes.Take(20).ToList())
        {
            ring.Crash(victim);
        }

        Assert.That(ring.RunUntilConsistent(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1)), Is.Null);
        ChordKvs.Tests.Ring.SimulatedRingTests.AssertLookupsMatchOracle(ring, 500);
    }

    [Test]
    public void A_stable_ring_is_built_from_nothing()
    {
        var ring = new SimulatedRing(seed: 1);
        ring.CreateRing();

        Assert.Throws<InvalidOperationException>(() => ring.CreateStableRing(10));
    }
}
