using ChordKvs.Core.Ring;
using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class GrowingRingTests
{
    [Test]
    public void Neighbours_are_those_of_a_sorted_list_of_the_members_as_the_ring_grows()
    {
        // 10,000 identifiers fill 157 bitset words, so scans cross summary words and wrap around the ring.
        var random = new Random(5);
        var possible = Enumerable.Range(0, 10_000).Select(_ => Seeds.NextId(random)).ToArray();
        var ring = new GrowingRing(possible);
        var members = new List<ulong>();
        var joinOrder = possible.OrderBy(_ => random.Next()).ToArray();

        Assert.Multiple(() =>
        {
            for (var joined = 0; joined < joinOrder.Length; joined++)
            {
                ring.Join(new NodeId(joinOrder[joined]));
                SortedListRing.Join(members, joinOrder[joined]);
                if (joined >= 40 && joined % 500 != 0)
                {
                    continue;
                }

                for (var query = 0; query < 20; query++)
                {
                    var id = possible[random.Next(possible.Length)];
                    var expected = SortedListRing.NeighboursOf(members, id);
                    Assert.That(ring.NeighboursOf(new NodeId(id)), Is.EqualTo(expected), $"neighbours of {id:x16} among {members.Count} members");
                }
            }
        });
    }

    [Test]
    public void A_ring_of_one_surrounds_every_identifier_with_its_member_and_clearing_empties_it()
    {
        var ring = new GrowingRing([10UL, 20UL, 30UL, 20UL]);
        ring.Join(new NodeId(20));

        Assert.Multiple(() =>
        {
            Assert.That(ring.NeighboursOf(new NodeId(10)), Is.EqualTo((new NodeId(20), new NodeId(20))), "before the only member");
            Assert.That(ring.NeighboursOf(new NodeId(20)), Is.EqualTo((new NodeId(20), new NodeId(20))), "at the only member");
            Assert.That(ring.NeighboursOf(new NodeId(30)), Is.EqualTo((new NodeId(20), new NodeId(20))), "after the only member");
            Assert.Throws<ArgumentException>(() => ring.NeighboursOf(new NodeId(25)), "25 was not among the possible identifiers");
            ring.Clear();
            Assert.Throws<InvalidOperationException>(() => ring.NeighboursOf(new NodeId(10)), "a cleared ring has no member to name");
        });
    }
}
