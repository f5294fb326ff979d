using System.Collections.Immutable;
using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Reads coordinated by whichever replica receives them, and the forward counter that shows it.</summary>
public class ReadCoordinationTests
{
    private static readonly NodeInfo A = new(new NodeId(100), "a");
    private static readonly NodeInfo B = new(new NodeId(200), "b");
    private static readonly NodeInfo C = new(new NodeId(300), "c");
    private static readonly NodeInfo D = new(new NodeId(400), "d");

    [Test]
    public void A_node_among_the_first_n_successors_of_a_key_is_a_replica_and_comes_first()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReplicaSet.WithSelfFirst(C, [B, C, D, A], 3), Is.EqualTo(ImmutableArray.Create(C, B, D)));
            Assert.That(ReplicaSet.WithSelfFirst(B, [B, C, D], 3), Is.EqualTo(ImmutableArray.Create(B, C, D)), "the responsible node itself");
            Assert.That(ReplicaSet.WithSelfFirst(A, [B, C, D, A], 3), Is.Null, "the fourth successor holds no copy when N = 3");
            Assert.That(ReplicaSet.WithSelfFirst(A, [B, B, C, A], 3), Is.EqualTo(ImmutableArray.Create(A, B, C)), "repeated nodes count once");
            Assert.That(ReplicaSet.WithSelfFirst(A, [A], 3), Is.EqualTo(ImmutableArray.Create(A)), "a ring of one");
        });
    }

    [Test]
    public void A_node_that_sees_the_whole_ring_places_every_key_itself()
    {
        var closed = new RoutingState(A, D, [B, C, D], FingerTable.Empty);

        Assert.Multiple(() =>
        {
            Assert.That(WholeRingView.KeySuccessors(closed, 8, new NodeId(150)), Is.EqualTo(ImmutableArray.Create(B, C, D, A)));
            Assert.That(WholeRingView.KeySuccessors(closed, 8, new NodeId(300)), Is.EqualTo(ImmutableArray.Create(C, D, A, B)), "an id equal to a node's is that node's");
            Assert.That(WholeRingView.KeySuccessors(closed, 8, new NodeId(450)), Is.EqualTo(ImmutableArray.Create(A, B, C, D)), "past the last node the key wraps to this one");
            Assert.That(WholeRingView.KeySuccessors(closed, 8, new NodeId(50)), Is.EqualTo(ImmutableArray.Create(A, B, C, D)));
            Assert.That(WholeRingView.KeySuccessors(closed, 3, new NodeId(150)), Is.Null, "a full list may go on past what it shows");
            Assert.That(WholeRingView.KeySuccessors(closed with { Predecessor = C }, 8, new NodeId(150)), Is.Null, "a predecessor that is not the list's last node leaves the ring open");
            Assert.That(WholeRingView.KeySuccessors(closed with { Predecessor = null }, 8, new NodeId(150)), Is.Null);
            Assert.That(WholeRingView.KeySuccessors(RoutingState.Alone(A), 8, new NodeId(150)), Is.EqualTo(ImmutableArray.Create(A)));
        });
    }

    [Test]
    public void On_three_nodes_with_three_replicas_reads_are_never_forwarded_and_writes_at_most_once()
    {
        var cluster = new SimulatedCluster(11);
        cluster.Start(3);
        Assert.That(cluster.RunUntil(() => true, TimeSpan.FromMinutes(2)), Is.True, $"a 3-node ring should form: {cluster.FindRingError()}");
        var keys = Enumerable.Range(0, 30).Select(i => $"key{i}").ToList();
        foreach (var key in keys)
        {
            Assert.That(cluster.Put(cluster.LiveNodes[0], key, "1").Outcome, Is.EqualTo(KvOutcome.Created));
        }

        var writes = Totals(cluster);
        Assert.That(writes.Requests, Is.EqualTo(keys.Count));
        Assert.That(writes.Forwards, Is.InRange(1, keys.Count), "writes go to the responsible node: some of them elsewhere, each forwarded once at most");

        foreach (var node in cluster.LiveNodes)
        {
            foreach (var key in keys)
            {
                Assert.That(cluster.Get(node, key).Outcome, Is.EqualTo(KvOutcome.Found), $"read of {key} through {node.Self}");
            }
        }

        var after = Totals(cluster);
        Assert.That(after.Requests - writes.Requests, Is.EqualTo(3 * keys.Count));
        Assert.That(after.Forwards, Is.EqualTo(writes.Forwards), "every node holds every key, so it coordinates every read itself");
    }

    [Test]
    public void A_replica_that_forwards_a_write_stores_its_own_copy_and_gets_no_replica_write_for_it()
    {
        var cluster = new SimulatedCluster(13);
        cluster.Start(3);
        Assert.That(cluster.RunUntil(() => true, TimeSpan.FromMinutes(2)), Is.True, $"a 3-node ring should form: {cluster.FindRingError()}");
        cluster.Network.Options.TraceCapacity = int.MaxValue;
        var sender = cluster.LiveNodes[0];
        var key = Enumerable.Range(0, 100).Select(i => $"key{i}").First(key => cluster.ExpectedReplicasOf(key)[0].Id != sender.Self.Id);
        var coordinator = cluster.ExpectedReplicasOf(key)[0];
        var traced = cluster.Network.Trace.Count;

        var put = cluster.Put(sender, key, "{\"v\":1}");

        var messages = cluster.Network.Trace.Skip(traced).ToList();
        var copies = cluster.LiveNodes.Select(node => node.Store.Get(key)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(put.Outcome, Is.EqualTo(KvOutcome.Created));
            Assert.That(put.Acknowledged, Is.GreaterThanOrEqualTo(2), "the coordinator counts the sender's copy");
            Assert.That(messages, Has.One.Contains($"Request {sender.Self.Id} -> {coordinator.Id} CoordinateWriteRequest"), "the write is forwarded once");
            Assert.That(messages, Has.None.Contains($"-> {sender.Self.Id} ReplicaWriteRequest"), "the coordinator sends the sender no copy");
            Assert.That(messages, Has.One.Contains("ReplicaWriteRequest"), "only the third replica gets a replica write");
            Assert.That(copies, Has.All.Not.Null.And.All.EqualTo(copies[0]), "all three nodes hold the same entry once the write is acknowledged");
            Assert.That(copies[0]!.Version, Is.EqualTo(put.Version));
        });
    }

    [Test]
    public void On_a_larger_ring_a_read_is_forwarded_once_at_most_and_finds_the_newest_value()
    {
        var cluster = new SimulatedCluster(12);
        cluster.Start(6);
        Assert.That(cluster.RunUntil(() => true, TimeSpan.FromMinutes(2)), Is.True, $"a 6-node ring should form: {cluster.FindRingError()}");
        Assert.That(cluster.Put(cluster.LiveNodes[0], "k", "1").Outcome, Is.EqualTo(KvOutcome.Created));
        Assert.That(cluster.Put(cluster.LiveNodes[1], "k", "2").Outcome, Is.EqualTo(KvOutcome.Replaced));
        var before = Totals(cluster);

        foreach (var node in cluster.LiveNodes)
        {
            var read = cluster.Get(node, "k");
            Assert.That(read.Value, Is.EqualTo("2"u8.ToArray()), $"read through {node.Self} returns the newest write");
        }

        var forwarded = Totals(cluster).Forwards - before.Forwards;
        Assert.That(forwarded, Is.EqualTo(3), "the three nodes that hold no copy forward once each; the three replicas answer themselves");
    }

    private static (long Requests, long Forwards) Totals(SimulatedCluster cluster) =>
        (cluster.LiveNodes.Sum(node => node.Describe().ClientRequests), cluster.LiveNodes.Sum(node => node.Describe().Forwards));
}
