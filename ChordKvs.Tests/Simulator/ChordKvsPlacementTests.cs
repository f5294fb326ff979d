using ChordKvs.Core.Ring;
using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class ChordKvsPlacementTests
{
    private static readonly string[] Addresses = LoadBalanceExperiment.Addresses(300, seed: 4, repetition: 0);

    [Test]
    public void Member_0_sits_at_the_hash_of_the_address_and_every_later_member_at_one_of_its_candidates()
    {
        var ids = new ChordKvsPlacement(Addresses, maxVirtualNodes: 8).Place(5);

        Assert.That(ids, Has.Length.EqualTo(5), "one row of identifiers per member");
        Assert.Multiple(() =>
        {
            var tookSecondCandidate = 0;
            for (var i = 0; i < Addresses.Length; i++)
            {
                Assert.That(ids[0][i], Is.EqualTo(NodeId.ForNode(Addresses[i]).Value), $"member 0 of {Addresses[i]}");
                for (var k = 1; k < ids.Length; k++)
                {
                    var candidates = VirtualNodePlacement.CandidatesFor(Addresses[i], k).Select(id => id.Value).ToList();
                    Assert.That(candidates, Does.Contain(ids[k][i]), $"member {k} of {Addresses[i]} must sit at one of its candidates");
                    tookSecondCandidate += ids[k][i] == candidates[0] ? 0 : 1;
                }
            }

            Assert.That(tookSecondCandidate, Is.GreaterThan(0), "some members should find their second candidate in the longer arc");
        });
    }

    [Test]
    public void Each_member_chooses_by_the_ring_as_it_is_when_it_joins()
    {
        var placement = new ChordKvsPlacement(Addresses, maxVirtualNodes: 6);
        placement.Place(6);

        // Placing fewer members after more starts again from an empty ring, so it must match a replay of its own.
        var ids = placement.Place(4);

        var members = new List<ulong>();
        Assert.Multiple(() =>
        {
            for (var i = 0; i < Addresses.Length; i++)
            {
                for (var k = 0; k < ids.Length; k++)
                {
                    var expected = k == 0
                        ? NodeId.ForNode(Addresses[i])
                        : VirtualNodePlacement.Choose(VirtualNodePlacement.CandidatesFor(Addresses[i], k), candidate => ArcAround(members, candidate));
                    Assert.That(ids[k][i], Is.EqualTo(expected.Value), $"member {k} of host {i}, joining {members.Count} members");
                    SortedListRing.Join(members, expected.Value);
                }
            }
        });
    }

    private static ulong ArcAround(List<ulong> members, NodeId candidate)
    {
        var (predecessor, successor) = SortedListRing.NeighboursOf(members, candidate.Value);
        return VirtualNodePlacement.ArcLength(predecessor, successor);
    }
}
