using System.Text;
using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Replicated reads and writes through every node of a cluster on the simulated network.</summary>
public class ReplicatedStoreTests
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);

    private static SimulatedCluster StableCluster(int nodes, int seed, ChordKvsOptions? options = null)
    {
        var cluster = new SimulatedCluster(seed, options);
        cluster.Start(nodes);
        Assert.That(cluster.RunUntil(() => true, SettleLimit), Is.True, $"a {nodes}-node ring should form: {cluster.FindRingError()}");
        return cluster;
    }

    private static string Text(KvResult result) => result.Value is null ? "<none>" : Encoding.UTF8.GetString(result.Value);

    [Test]
    public void A_value_written_through_one_node_reads_back_byte_identical_through_every_node()
    {
        var cluster = StableCluster(5, seed: 1);
        const string Json = "{ \"name\" : \"Ada\",\n  \"tags\": [1, 2.50, true] }";

        var written = cluster.Put(cluster.LiveNodes[0], "users/42", Json);

        Assert.That(written.Outcome, Is.EqualTo(KvOutcome.Created), written.Problem);
        foreach (var node in cluster.LiveNodes)
        {
            var read = cluster.Get(node, "users/42");
            Assert.That(read.Outcome, Is.EqualTo(KvOutcome.Found), $"read through {node.Self}: {read.Problem}");
            Assert.That(Text(read), Is.EqualTo(Json), "the JSON must come back exactly as written, whitespace included");
            Assert.That(read.Version, Is.EqualTo(written.Version), "every node reports the version that was written");
        }

        Assert.That(cluster.CopiesOf("users/42"), Is.EqualTo(3), "N = 3 copies once the write is acknowledged by all");
    }

    [Test]
    public void An_overwrite_replaces_the_value_everywhere_and_a_delete_removes_it_everywhere()
    {
        var cluster = StableCluster(5, seed: 2);
        Assert.That(cluster.Put(cluster.LiveNodes[1], "k", "1").Outcome, Is.EqualTo(KvOutcome.Created));

        var replaced = cluster.Put(cluster.LiveNodes[2], "k", "2");
        Assert.That(replaced.Outcome, Is.EqualTo(KvOutcome.Replaced));
        Assert.That(cluster.LiveNodes.Select(node => Text(cluster.Get(node, "k"))), Is.All.EqualTo("2"));

        var deleted = cluster.Delete(cluster.LiveNodes[3], "k");
        Assert.That(deleted.Outcome, Is.EqualTo(KvOutcome.Deleted));
        Assert.That(cluster.LiveNodes.Select(node => cluster.Get(node, "k").Outcome), Is.All.EqualTo(KvOutcome.NotFound));
        Assert.That(cluster.Delete(cluster.LiveNodes[4], "k").Outcome, Is.EqualTo(KvOutcome.NotFound), "deleting a deleted key finds nothing");
    }

    [Test]
    public void Conditional_writes_change_nothing_when_their_condition_fails()
    {
        var cluster = StableCluster(4, seed: 3);
        var node = cluster.LiveNodes[0];
        var first = cluster.Put(node, "c", "\"first\"", new WriteConditions(IfAbsent: true));
        Assert.That(first.Outcome, Is.EqualTo(KvOutcome.Created));

        var again = cluster.Put(node, "c", "\"second\"", new WriteConditions(IfAbsent: true));
        Assert.That(again.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "create-only on an existing key");

        var second = cluster.Put(node, "c", "\"second\"", new WriteConditions(IfMatch: first.Version));
        Assert.That(second.Outcome, Is.EqualTo(KvOutcome.Replaced), "If-Match with the current version");

        var stale = cluster.Put(node, "c", "\"third\"", new WriteConditions(IfMatch: first.Version));
        Assert.That(stale.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "If-Match with an older version");
        Assert.That(stale.Version, Is.EqualTo(second.Version), "the failure reports the current version");

        var staleDelete = cluster.Delete(node, "c", new WriteConditions(IfMatch: first.Version));
        Assert.That(staleDelete.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed));
        Assert.That(Text(cluster.Get(cluster.LiveNodes[3], "c")), Is.EqualTo("\"second\""), "failed conditions changed nothing");
        Assert.That(cluster.Put(node, "absent", "1", new WriteConditions(IfExists: true)).Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "If-Match: * on a missing key");
    }

    [TestCase("", "1", KvOutcome.Invalid)]
    [TestCase("k", "{\"unclosed\": ", KvOutcome.Invalid)]
    [TestCase("k", "1 2", KvOutcome.Invalid)]
    [TestCase("k", "", KvOutcome.Invalid)]
    public void Bad_input_is_refused_before_anything_is_stored(string key, string json, KvOutcome expected)
    {
        var cluster = StableCluster(3, seed: 4);
        cluster.Put(cluster.LiveNodes[0], "k", "\"kept\"");

        var result = cluster.Put(cluster.LiveNodes[1], key, json);

        Assert.That(result.Outcome, Is.EqualTo(expected));
        Assert.That(result.Problem, Is.Not.Null.And.Not.Empty, "the refusal explains itself");
        Assert.That(Text(cluster.Get(cluster.LiveNodes[2], "k")), Is.EqualTo("\"kept\""), "the stored value is untouched");
    }

    [Test]
    public void Oversized_keys_and_values_and_quorums_outside_one_to_n_are_refused()
    {
        var options = new ChordKvsOptions();
        options.Limits.MaxValueBytes = 16;
        options.Limits.MaxKeyBytes = 8;
        var cluster = StableCluster(3, seed: 5, options);
        var node = cluster.LiveNodes[0];

        Assert.Multiple(() =>
        {
            Assert.That(cluster.Put(node, "k", "\"" + new string('x', 40) + "\"").Outcome, Is.EqualTo(KvOutcome.TooLarge));
            Assert.That(cluster.Put(node, "a-very-long-key", "1").Outcome, Is.EqualTo(KvOutcome.TooLarge));
            Assert.That(cluster.Put(node, "k", "1", writeQuorum: 0).Outcome, Is.EqualTo(KvOutcome.Invalid));
            Assert.That(cluster.Put(node, "k", "1", writeQuorum: 4).Outcome, Is.EqualTo(KvOutcome.Invalid));
            Assert.That(cluster.Get(node, "k", readQuorum: 4).Outcome, Is.EqualTo(KvOutcome.Invalid));
        });
        Assert.That(cluster.LiveNodes.Sum(n => n.Store.LiveCount + n.Store.TombstoneCount), Is.Zero, "nothing was stored");
    }

    [Test]
    public void With_one_replica_down_writes_of_quorum_three_are_taken_by_the_next_live_successor()
    {
        var cluster = StableCluster(6, seed: 6);
        var replicas = cluster.ExpectedReplicasOf("q");
        var client = cluster.LiveNodes.First(node => replicas.All(replica => replica.Id != node.Self.Id));
        cluster.Crash(cluster.LiveNodes.First(node => node.Self.Id == replicas[2].Id));

        var quorumTwo = cluster.Put(client, "q", "1", writeQuorum: 2);
        var quorumThree = cluster.Put(client, "q", "2", writeQuorum: 3);
        var read = cluster.Get(client, "q", readQuorum: 3);

        Assert.That(quorumTwo.Outcome, Is.EqualTo(KvOutcome.Created), quorumTwo.Problem);
        Assert.That(quorumThree.Outcome, Is.EqualTo(KvOutcome.Replaced), "a stand-in successor takes the down replica's copy (sloppy quorum)");
        Assert.That(quorumThree.Acknowledged, Is.EqualTo(3));
        Assert.That(read.Outcome, Is.EqualTo(KvOutcome.Found), "R = 3 is reached through the stand-in too");
        Assert.That(Text(read), Is.EqualTo("2"));
    }

    [Test]
    public void A_write_that_fewer_than_w_nodes_can_take_is_reported_unavailable()
    {
        var cluster = StableCluster(3, seed: 6);
        var replicas = cluster.ExpectedReplicasOf("q");
        var client = cluster.Find(replicas[0].Id)!;
        cluster.Crash(cluster.Find(replicas[2].Id)!);

        var quorumThree = cluster.Put(client, "q", "2", writeQuorum: 3);

        Assert.That(quorumThree.Outcome, Is.EqualTo(KvOutcome.Unavailable), "two live nodes cannot acknowledge three copies");
        Assert.That(quorumThree.Acknowledged, Is.EqualTo(2));
        Assert.That(quorumThree.Problem, Does.Contain("2 of the 3"));
    }

    [Test]
    public void A_single_node_accepts_writes_and_two_nodes_count_quorums_over_two_replicas()
    {
        var cluster = StableCluster(1, seed: 7);
        var alone = cluster.Put(cluster.LiveNodes[0], "solo", "true");
        Assert.That(alone.Outcome, Is.EqualTo(KvOutcome.Created), alone.Problem);
        Assert.That(alone.Required, Is.EqualTo(1), "a lone node is the only replica there is");

        cluster.Join();
        Assert.That(cluster.RunUntil(() => cluster.CopiesOf("solo") == 2, SettleLimit), Is.True, "the joining node receives the key");
        var pair = cluster.Put(cluster.LiveNodes[1], "pair", "1", writeQuorum: 3);
        Assert.That(pair.Outcome, Is.EqualTo(KvOutcome.Created), "W = 3 counts over the two replicas that exist");
        Assert.That(pair.Required, Is.EqualTo(2));
    }

    [Test]
    public void Keys_move_to_joining_nodes_and_every_key_ends_with_n_copies_on_its_replicas()
    {
        var cluster = StableCluster(5, seed: 8);
        var keys = Enumerable.Range(0, 200).Select(i => $"key-{i}").ToList();
        foreach (var key in keys)
        {
            Assert.That(cluster.Put(cluster.LiveNodes[cluster.Random.Next(5)], key, $"{{\"n\":{key.Length}}}").Succeeded, Is.True);
        }

        for (var i = 0; i < 5; i++)
        {
            cluster.Join();
        }

        var settled = cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit);

        Assert.That(settled, Is.True, $"every key should reach its 3 replicas; lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        foreach (var key in keys)
        {
            Assert.That(cluster.Get(cluster.LiveNodes[9], key).Outcome, Is.EqualTo(KvOutcome.Found), key);
        }
    }

    [Test]
    public void A_joining_node_holds_its_range_before_its_predecessor_adopts_it()
    {
        var cluster = StableCluster(5, seed: 12);
        var keys = Enumerable.Range(0, 300).Select(i => $"range-{i}").ToList();
        foreach (var key in keys)
        {
            Assert.That(cluster.Put(cluster.LiveNodes[0], key, "1", writeQuorum: 3).Succeeded, Is.True, key);
        }

        var newcomer = cluster.NewNode();
        (int InRange, int Held)? whenAdopted = null;
        foreach (var member in cluster.LiveNodes.Where(node => node != newcomer))
        {
            member.Ring.RoutingChanged += (_, change) =>
            {
                if (whenAdopted is null && change.After.Successor.Id == newcomer.Self.Id)
                {
                    var range = keys.Where(key => RingInterval.IsInHalfOpen(NodeId.ForKey(key), change.After.Self.Id, newcomer.Self.Id)).ToList();
                    whenAdopted = (range.Count, range.Count(key => newcomer.Store.Get(key) is not null));
                }
            };
        }

        cluster.Run(() => cluster.JoinThroughMemberAsync(newcomer));

        Assert.That(whenAdopted, Is.Not.Null, "the node before the newcomer should adopt it during the join, when the newcomer announces itself");
        Assert.That(whenAdopted!.Value.InRange, Is.GreaterThan(0), "some of the keys should fall into the newcomer's range");
        Assert.That(whenAdopted.Value.Held, Is.EqualTo(whenAdopted.Value.InRange), "the newcomer should hold every key of its range by the time its predecessor points to it");
    }

    [Test]
    public void A_write_whose_responsible_node_crashed_reaches_the_newcomer_that_the_node_before_it_points_to()
    {
        // No stabilize, finger or anti-entropy round runs during the test, so successor lists stay as the joins left
        // them, and only the write itself can put the key on the newcomer.
        var hour = TimeSpan.FromHours(1);
        var cluster = new SimulatedCluster(seed: 13, new ChordKvsOptions
        {
            Ring = new ChordOptions { SuccessorListLength = 3, StabilizeInterval = hour, FixFingersInterval = hour, CheckPredecessorInterval = hour },
            Replication = new ReplicationOptions { AntiEntropyInterval = hour },
        });
        cluster.Start(10);
        var sorted = cluster.LiveNodes.OrderBy(node => node.Self.Id.Value).ToList();
        var (before, after) = (sorted[4], sorted[5]);
        var newcomer = cluster.NewNode(new NodeInfo(new NodeId(before.Self.Id.Value + (before.Self.Id.DistanceTo(after.Self.Id) / 2)), "sim://kv-newcomer"));
        cluster.Run(() => newcomer.JoinAsync(sorted[0].Self));
        var asking = sorted.Find(node => node != before && node.Ring.Routing.Successors.Zip(node.Ring.Routing.Successors.Skip(1)).Contains((before.Self, after.Self)));
        Assert.That(asking, Is.Not.Null, "some node before the gap should still list the old neighbours side by side, as if a few rounds behind");
        Assert.That(before.Ring.Routing.Successor, Is.EqualTo(newcomer.Self), "the newcomer announced itself to the node before it");
        var key = Enumerable.Range(0, 10_000).Select(i => $"gap-{i}").First(candidate => RingInterval.IsInHalfOpen(NodeId.ForKey(candidate), before.Self.Id, newcomer.Self.Id));
        cluster.Crash(after);

        var written = cluster.Put(asking!, key, "1", writeQuorum: 1);

        Assert.That(written.Succeeded, Is.True, written.Problem);
        Assert.That(newcomer.Store.Get(key), Is.Not.Null, "the key's live successor is the newcomer, found by asking the node listed before the dead answer");
    }

    [Test]
    public void A_graceful_leave_keeps_every_key_readable_with_n_copies()
    {
        var cluster = StableCluster(6, seed: 9);
        var keys = Enumerable.Range(0, 100).Select(i => $"leave-{i}").ToList();
        keys.ForEach(key => cluster.Put(cluster.LiveNodes[0], key, "1", writeQuorum: 3));

        cluster.Leave(cluster.LiveNodes[2]);
        cluster.Leave(cluster.LiveNodes[2]);

        Assert.That(cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit), Is.True,
            $"lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        Assert.That(keys.Select(key => cluster.Get(cluster.LiveNodes[0], key).Outcome), Is.All.EqualTo(KvOutcome.Found));
    }

    [Test]
    public void After_a_crash_every_acknowledged_key_is_readable_and_copied_to_n_nodes_again()
    {
        var cluster = StableCluster(8, seed: 10);
        var keys = Enumerable.Range(0, 200).Select(i => $"crash-{i}").ToList();
        foreach (var key in keys)
        {
            Assert.That(cluster.Put(cluster.LiveNodes[cluster.Random.Next(8)], key, "\"v\"").Succeeded, Is.True);
        }

        cluster.Crash(cluster.LiveNodes[3]);

        Assert.That(cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit), Is.True,
            $"lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        Assert.That(keys.Select(key => cluster.Get(cluster.LiveNodes[0], key).Outcome), Is.All.EqualTo(KvOutcome.Found));
    }

    [Test]
    public void A_deleted_key_stays_deleted_after_the_replicas_exchange_ranges()
    {
        var cluster = StableCluster(5, seed: 11);
        cluster.Put(cluster.LiveNodes[0], "gone", "1", writeQuorum: 3);
        cluster.Delete(cluster.LiveNodes[1], "gone", writeQuorum: 3);

        cluster.Join();
        cluster.Crash(cluster.LiveNodes[0]);
        cluster.RunUntil(() => false, TimeSpan.FromSeconds(30));

        Assert.That(cluster.LiveNodes.Select(node => cluster.Get(node, "gone").Outcome), Is.All.EqualTo(KvOutcome.NotFound), "no replica may bring the key back");
    }

    [Test]
    public void The_ring_view_lists_every_node_with_its_key_counts()
    {
        var cluster = StableCluster(4, seed: 12);
        cluster.Put(cluster.LiveNodes[0], "a", "1", writeQuorum: 3);

        var ring = cluster.Run(() => cluster.LiveNodes[1].DescribeRingAsync());

        Assert.That(ring.Select(status => status.Node.Id), Is.EquivalentTo(cluster.LiveNodes.Select(node => node.Self.Id)));
        Assert.That(ring.Sum(status => status.LiveKeys), Is.EqualTo(3), "three replicas of the one key");
    }
}
