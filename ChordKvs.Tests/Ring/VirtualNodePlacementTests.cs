using ChordKvs.Core.Ring;

namespace ChordKvs.Tests.Ring;

public class VirtualNodePlacementTests
{
    private const string Address = "http://10.0.0.5:7000";

    [Test]
    public void Member_zero_has_one_candidate_the_address_alone_and_later_members_two_starting_with_address_hash_k()
    {
        var first = VirtualNodePlacement.CandidatesFor(Address, 0);
        var third = VirtualNodePlacement.CandidatesFor(Address, 3);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new[] { NodeId.ForNode(Address) }));
            Assert.That(third, Has.Count.EqualTo(VirtualNodePlacement.CandidatesPerMember));
            Assert.That(third[0], Is.EqualTo(NodeId.ForNode(Address, 3)), "the first candidate is where random placement puts member 3");
            Assert.That(third, Is.Unique);
            Assert.That(third, Is.EqualTo(VirtualNodePlacement.CandidatesFor(Address, 3)), "candidates depend on the address and index only");
            Assert.That(third, Has.None.AnyOf(VirtualNodePlacement.CandidatesFor(Address, 2).ToArray()), "other members have other candidates");
        });
    }

    [Test]
    public void The_arc_is_measured_clockwise_and_a_ring_of_one_is_the_whole_circle()
    {
        Assert.Multiple(() =>
        {
            Assert.That(VirtualNodePlacement.ArcLength(new NodeId(100), new NodeId(250)), Is.EqualTo(150UL));
            Assert.That(VirtualNodePlacement.ArcLength(new NodeId(ulong.MaxValue - 9), new NodeId(20)), Is.EqualTo(30UL), "an arc across zero wraps");
            Assert.That(VirtualNodePlacement.ArcLength(new NodeId(7), new NodeId(7)), Is.EqualTo(ulong.MaxValue));
        });
    }

    [Test]
    public void The_candidate_in_the_longest_arc_wins_and_a_tie_keeps_the_first()
    {
        NodeId[] candidates = [new(1), new(2), new(3)];

        Assert.Multiple(() =>
        {
            Assert.That(VirtualNodePlacement.Choose(candidates, id => id.Value == 2 ? 900UL : 100UL), Is.EqualTo(new NodeId(2)));
            Assert.That(VirtualNodePlacement.Choose(candidates, id => id.Value == 1 ? 50UL : 900UL), Is.EqualTo(new NodeId(2)), "the earlier of two equal arcs");
            Assert.That(VirtualNodePlacement.Choose(candidates, _ => 0UL), Is.EqualTo(new NodeId(1)), "with no arc known, the first candidate");
        });
    }
}
