using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>
/// Physical nodes that each host several ring members (virtual nodes, sharing one address) on the simulated
/// network: every key's replicas sit on distinct physical nodes, so losing one whole physical node loses no key.
/// </summary>
public class VirtualNodeReplicationTests
{
    private const int PhysicalNodes = 4;
    private const int VirtualNodes = 3;
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);

    private static string HostAddress(int host) => $"sim://host-{host}";

    private static SimulatedCluster VirtualNodeCluster(int seed)
    {
        var cluster = new SimulatedCluster(seed);
        cluster.NewNode(NodeInfo.FromAddress(HostAddress(0), 0)).Create();
        for (var virtualNode = 0; virtualNode < VirtualNodes; virtualNode++)
        {
            for (var host = 0; host < PhysicalNodes; host++)
            {
                if (host != 0 || virtualNode != 0)
                {
                    cluster.Join(NodeInfo.FromAddress(HostAddress(host), virtualNode));
                }
            }
        }

        Assert.That(cluster.RunUntil(() => true, SettleLimit), Is.True, $"a {PhysicalNodes} x {VirtualNodes} ring should form: {cluster.FindRingError()}");
        return cluster;
    }

    private static List<string> WriteKeys(SimulatedCluster cluster, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => $"vnode-key-{i}").ToList();
        foreach (var key in keys)
        {
            var written = cluster.Put(cluster.LiveNodes[cluster.Random.Next(cluster.LiveNodes.Count)], key, $"\"{key}\"");
            Assert.That(written.Succeeded, Is.True, $"writing {key}: {written.Problem}");
        }

        Assert.That(cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit), Is.True,
            $"every key should reach its replicas; lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        return keys;
    }

    private static List<string> HostsHolding(SimulatedCluster cluster, string key) =>
        [.. cluster.LiveNodes.Where(node => node.Store.Get(key) is not null).Select(node => node.Self.Address).Distinct()];

    [Test]
    public void Replica_sets_skip_successors_on_physical_nodes_already_chosen()
    {
        var primary = NodeInfo.FromAddress("http://a:1", 0);
        var successors = new[]
        {
            NodeInfo.FromAddress("http://a:1", 1),
            NodeInfo.FromAddress("http://b:1", 0),
            NodeInfo.FromAddress("http://b:1", 1),
            NodeInfo.FromAddress("http://a:1", 2),
            NodeInfo.FromAddress("http://c:1", 0),
            NodeInfo.FromAddress("http://d:1", 0),
        };

        var replicas = ReplicaSet.Choose(primary, successors, 3);
        var onTwoHosts = ReplicaSet.Choose(primary, successors.Take(4), 3);

        Assert.That(replicas, Is.EqualTo(new[] { primary, successors[1], successors[4] }), "one virtual node each of a, b and c, nearest first");
        Assert.That(onTwoHosts, Is.EqualTo(new[] { primary, successors[1] }), "with only two physical nodes in the list, two replicas, not two copies on one host");
    }

    [Test]
    public void Every_key_is_replicated_on_three_distinct_physical_nodes()
    {
        var cluster = VirtualNodeCluster(seed: 21);
        var keys = WriteKeys(cluster, 200);

        foreach (var key in keys)
        {
            var expected = cluster.ExpectedReplicasOf(key);
            Assert.That(expected.Select(node => node.Address).Distinct().Count(), Is.EqualTo(3), $"the replicas of {key} ({string.Join(", ", expected)}) should be on three hosts");
            Assert.That(HostsHolding(cluster, key), Has.Count.GreaterThanOrEqualTo(3), $"{key} should be stored on three physical nodes");
        }
    }

    [Test]
    public void Crashing_every_virtual_node_of_one_physical_node_at_once_loses_no_key()
    {
        var cluster = VirtualNodeCluster(seed: 22);
        var keys = WriteKeys(cluster, 200);

        foreach (var node in cluster.LiveNodes.Where(node => node.Self.Address == HostAddress(1)).ToList())
        {
            cluster.Crash(node);
        }

        // Before any repair: the crashed host held at most one copy of each key.
        Assert.That(keys.Where(key => HostsHolding(cluster, key).Count < 2), Is.Empty, "keys left with fewer than two copies right after the crash");
        Assert.That(cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit), Is.True,
            $"every key should be back on three physical nodes; lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        foreach (var key in keys)
        {
            var read = cluster.Get(cluster.LiveNodes[0], key);
            Assert.That(read.Outcome, Is.EqualTo(KvOutcome.Found), $"{key}: {read.Problem}");
            Assert.That(HostsHolding(cluster, key), Has.Count.EqualTo(3), $"{key} should be on each of the three surviving hosts");
        }
    }
}
