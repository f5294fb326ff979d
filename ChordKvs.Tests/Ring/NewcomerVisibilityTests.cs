using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Ring;

/// <summary>
/// A node that has just joined is found by lookups before any stabilize round has run: its predecessor adopts it
/// when it announces itself, and a lookup whose answer is dead asks the node listed before the answer, which
/// already points to the newcomer. Maintenance is stopped on the existing ring, so nothing else could find it.
/// </summary>
public class NewcomerVisibilityTests
{
    private static readonly ChordOptions Options = new() { SuccessorListLength = 4 };

    /// <summary>A stable ring of 32 nodes without maintenance, and a newcomer whose identifier lies in the middle of the gap before the ring's tenth node.</summary>
    private static (SimulatedRing Ring, ChordNode Predecessor, ChordNode Successor, ChordNode Newcomer) JoinIntoAGap()
    {
        var ring = new SimulatedRing(seed: 21, Options);
        var sorted = ring.CreateStableRing(32).OrderBy(node => node.Self.Id.Value).ToList();
        var (predecessor, successor) = (sorted[8], sorted[9]);
        var middle = new NodeId(predecessor.Self.Id.Value + (predecessor.Self.Id.DistanceTo(successor.Self.Id) / 2));
        var newcomer = ring.NewNode(new NodeInfo(middle, "sim://newcomer"));
        ring.Scheduler.Run(() => newcomer.JoinAsync(sorted[20].Self), TimeSpan.FromMinutes(1));
        return (ring, predecessor, successor, newcomer);
    }

    [Test]
    public void The_predecessor_adopts_a_newcomer_when_it_announces_itself()
    {
        var (_, predecessor, successor, newcomer) = JoinIntoAGap();

        Assert.Multiple(() =>
        {
            Assert.That(predecessor.Routing.Successor, Is.EqualTo(newcomer.Self), "the node before the newcomer points to it without having stabilized");
            Assert.That(predecessor.Routing.Successors.Skip(1).First(), Is.EqualTo(successor.Self), "and keeps the old successor right after it");
            Assert.That(newcomer.Routing.Predecessor, Is.EqualTo(predecessor.Self), "the newcomer takes the node that adopted it as its predecessor");
            Assert.That(successor.Routing.Predecessor, Is.EqualTo(newcomer.Self), "the successor was notified as before");
        });
    }

    [Test]
    public void A_lookup_whose_answer_is_dead_finds_the_newcomer_through_the_node_listed_before_the_answer()
    {
        var (ring, predecessor, successor, newcomer) = JoinIntoAGap();
        var sorted = ring.LiveNodes.OrderBy(node => node.Self.Id.Value).ToList();
        var asking = sorted[sorted.IndexOf(predecessor) - 2];
        ring.Crash(successor);
        var key = newcomer.Self.Id;

        var stale = ring.Lookup(asking, key);
        var again = ring.Scheduler.Run(() => asking.AskListedPredecessorAsync(stale), TimeSpan.FromMinutes(1));

        Assert.Multiple(() =>
        {
            Assert.That(stale.Successor, Is.EqualTo(successor.Self), "the asking node's list, two stabilize rounds behind, still names the crashed node");
            Assert.That(stale.Predecessor, Is.EqualTo(predecessor.Self), "and the node it lists before it");
            Assert.That(again?.Successor, Is.EqualTo(newcomer.Self), "the node before the dead one names the newcomer");
            Assert.That(again?.Hops, Is.EqualTo(1), "asking again costs one hop");
        });
    }

    [Test]
    public void Asking_again_gives_nothing_when_the_asking_node_itself_is_listed_before_the_answer()
    {
        var (ring, predecessor, _, newcomer) = JoinIntoAGap();

        var local = ring.Lookup(predecessor, newcomer.Self.Id);
        var again = ring.Scheduler.Run(() => predecessor.AskListedPredecessorAsync(local), TimeSpan.FromMinutes(1));

        Assert.Multiple(() =>
        {
            Assert.That(local.Predecessor, Is.EqualTo(predecessor.Self), "a node's own successor list lists itself before its successor");
            Assert.That(again, Is.Null, "a node's own pointers are first-hand already");
        });
    }
}
