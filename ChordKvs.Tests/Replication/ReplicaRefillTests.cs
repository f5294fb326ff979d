using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Replicas that lack keys get them back without any client reading them.</summary>
public class ReplicaRefillTests
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);

    private static SimulatedCluster StableCluster(int nodes, int seed)
    {
        var cluster = new SimulatedCluster(seed);
        cluster.Start(nodes);
        Assert.That(cluster.RunUntil(() => true, SettleLimit), Is.True, $"the ring should form: {cluster.FindRingError()}");
        return cluster;
    }

    [Test]
    public void Anti_entropy_gives_a_replica_that_missed_a_write_its_copy_with_no_client_reading()
    {
        var cluster = StableCluster(6, seed: 31);
        cluster.Put(cluster.LiveNodes[0], "missed", "1", writeQuorum: 3);
        var lagging = cluster.Find(cluster.ExpectedReplicasOf("missed")[2].Id)!;
        Assert.That(lagging.Store.RemoveIfUnchanged(lagging.Store.Get("missed")!), Is.True, "the replica lost its copy");

        var refilled = cluster.RunUntil(() => lagging.Store.Get("missed") is not null, TimeSpan.FromSeconds(30));

        Assert.That(refilled, Is.True, "the primary's anti-entropy pass should copy the key to the replica again");
    }

    [Test]
    public void A_node_restarted_with_empty_memory_at_the_same_address_rejoins_and_is_refilled()
    {
        var cluster = StableCluster(8, seed: 32);
        var keys = Enumerable.Range(0, 200).Select(i => $"restart-{i}").ToList();
        keys.ForEach(key => cluster.Put(cluster.LiveNodes[1], key, "\"v\"", writeQuorum: 3));
        var victim = cluster.LiveNodes[4];
        var held = keys.Count(key => victim.Store.Get(key) is not null);
        Assert.That(held, Is.Positive, "the node replicates some keys before it restarts");

        cluster.Crash(victim);
        cluster.RunUntil(() => false, TimeSpan.FromSeconds(5));
        var restarted = cluster.Join(victim.Self);

        Assert.That(restarted.Self.Id, Is.EqualTo(victim.Self.Id), "same address, same place in the ring");
        var refilled = cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit);
        Assert.That(refilled, Is.True, $"lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        Assert.That(keys.Count(key => restarted.Store.Get(key) is not null), Is.GreaterThanOrEqualTo(held), "the restarted node holds again every key it replicated");
    }
}
