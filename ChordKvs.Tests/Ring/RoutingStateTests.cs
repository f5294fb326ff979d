using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Tests.Ring;

public class RoutingStateTests
{
    private static NodeInfo Node(ulong id) => new(new NodeId(id), $"sim://{id}");

    [Test]
    public void Successor_list_stops_where_the_walk_returns_to_the_node()
    {
        var self = Node(10);
        var list = SuccessorList.Build(self, Node(20), [Node(30), Node(10), Node(20), Node(30)], 8);
        Assert.That(list.Select(node => node.Id.Value), Is.EqualTo(new ulong[] { 20, 30 }), "a 3-node ring lists the two other nodes once");
    }

    [Test]
    public void Successor_list_is_cut_at_its_length_and_wraps_past_zero()
    {
        var self = Node(ulong.MaxValue - 5);
        var list = SuccessorList.Build(self, Node(ulong.MaxValue), [Node(3), Node(7), Node(9)], 3);
        Assert.That(list.Select(node => node.Id.Value), Is.EqualTo(new[] { ulong.MaxValue, 3UL, 7UL }));
    }

    [Test]
    public void Successor_list_drops_entries_that_would_go_backwards()
    {
        var self = Node(10);
        var list = SuccessorList.Build(self, Node(30), [Node(20), Node(40)], 8);
        Assert.That(list.Select(node => node.Id.Value), Is.EqualTo(new ulong[] { 30 }), "20 lies before 30 and cannot follow it");
    }

    [Test]
    public void Successor_list_of_a_node_that_is_its_own_successor_is_itself()
    {
        var self = Node(10);
        Assert.That(SuccessorList.Build(self, self, [Node(20)], 8), Is.EqualTo(ImmutableArray.Create(self)));
    }

    [Test]
    public void A_lone_node_resolves_every_identifier_to_itself()
    {
        var state = RoutingState.Alone(Node(10));
        Assert.Multiple(() =>
        {
            Assert.That(state.ResolveLocally(new NodeId(3)).Single().Id.Value, Is.EqualTo(10));
            Assert.That(state.ResolveLocally(new NodeId(10)).Single().Id.Value, Is.EqualTo(10));
            Assert.That(state.ResolveLocally(new NodeId(ulong.MaxValue)).Single().Id.Value, Is.EqualTo(10));
        });
    }

    [Test]
    public void Identifiers_between_neighbours_on_the_successor_list_resolve_without_a_hop()
    {
        var state = RoutingState.Alone(Node(10)) with { Predecessor = Node(5), Successors = [Node(20), Node(30), Node(40)] };
        Assert.Multiple(() =>
        {
            Assert.That(state.ResolveLocally(new NodeId(7)), Is.Empty, "the predecessor pointer may be stale, so its range is settled by asking it");
            Assert.That(state.OwnsId(new NodeId(7)), Is.True, "(5, 10] is this node's own range as far as it knows");
            Assert.That(state.ResolveLocally(new NodeId(15))[0].Id.Value, Is.EqualTo(20));
            Assert.That(state.ResolveLocally(new NodeId(25)).Select(node => node.Id.Value), Is.EqualTo(new ulong[] { 30, 40 }));
            Assert.That(state.ResolveLocally(new NodeId(40))[0].Id.Value, Is.EqualTo(40));
            Assert.That(state.ResolveLocally(new NodeId(41)), Is.Empty, "beyond the list the node must ask another");
        });
    }

    [Test]
    public void Closest_preceding_nodes_come_from_fingers_and_successors_nearest_to_the_target_first()
    {
        var fingers = new NodeInfo?[NodeId.Bits];
        fingers[0] = Node(20);
        fingers[5] = Node(100);
        fingers[6] = Node(500);
        fingers[7] = Node(1000);
        var state = RoutingState.Alone(Node(10)) with { Successors = [Node(20), Node(30)], Fingers = FingerTable.From(fingers) };

        var next = state.ClosestPrecedingNodes(new NodeId(600), 3);

        Assert.That(next.Select(node => node.Id.Value), Is.EqualTo(new ulong[] { 500, 100, 30 }), "1000 lies beyond the target and 20 is farther than 30");
    }

    [Test]
    public void Finger_table_forgets_a_dead_node_everywhere()
    {
        var fingers = new NodeInfo?[NodeId.Bits];
        fingers[0] = Node(20);
        fingers[1] = Node(20);
        fingers[2] = Node(30);
        var table = FingerTable.From(fingers).Without(new NodeId(20));
        Assert.Multiple(() =>
        {
            Assert.That(table[0], Is.Null);
            Assert.That(table[1], Is.Null);
            Assert.That(table[2]?.Id.Value, Is.EqualTo(30));
            Assert.That(table.Distinct().Select(node => node.Id.Value), Is.EqualTo(new ulong[] { 30 }));
        });
    }
}
