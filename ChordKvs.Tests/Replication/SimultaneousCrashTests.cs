using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Two nodes of a ten-node cluster crash at the same instant; with N = 3 every key written to all three replicas survives.</summary>
public class SimultaneousCrashTests
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(3);

    [TestCase(true, 21, TestName = "Two adjacent nodes, replicas of the same keys, crash together and no key is lost")]
    [TestCase(false, 22, TestName = "Two nodes far apart crash together and no key is lost")]
    public void Two_simultaneous_crashes_lose_no_key_and_every_key_regains_three_replicas(bool adjacent, int seed)
    {
        var cluster = new SimulatedCluster(seed);
        cluster.Start(10);
        Assert.That(cluster.RunUntil(() => true, SettleLimit), Is.True, $"a 10-node ring should form: {cluster.FindRingError()}");
        var keys = Enumerable.Range(0, 300).Select(i => $"pair-{i}").ToList();
        foreach (var key in keys)
        {
            var written = cluster.Put(cluster.LiveNodes[cluster.Random.Next(10)], key, $"\"{key}\"", writeQuorum: 3);
            Assert.That(written.Outcome, Is.EqualTo(KvOutcome.Created), $"{key}: {written.Problem}");
        }

        var oracle = new RingOracle(cluster.LiveNodes.Select(node => node.Self));
        var first = oracle.Nodes[3];
        var second = adjacent ? oracle.Nodes[4] : oracle.Nodes[8];
        var sharedKeys = keys.Count(key => cluster.ExpectedReplicasOf(key).Any(replica => replica.Id == first.Id) && cluster.ExpectedReplicasOf(key).Any(replica => replica.Id == second.Id));
        Assert.That(sharedKeys, adjacent ? Is.Positive : Is.Zero, "adjacent nodes share keys; nodes five apart do not");

        cluster.Crash(cluster.Find(first.Id)!);
        cluster.Crash(cluster.Find(second.Id)!);

        var settled = cluster.RunUntil(() => cluster.AllReplicated(keys), SettleLimit);
        Assert.That(settled, Is.True, $"every key should have its 3 replicas again; lacking: {string.Join(", ", cluster.UnderReplicated(keys).Take(5))}");
        foreach (var key in keys)
        {
            Assert.That(cluster.ExpectedReplicasOf(key).Select(replica => cluster.Find(replica.Id)!.Store.Get(key)?.IsTombstone), Is.All.False, $"{key} is live on each of its replicas");
            var read = cluster.Get(cluster.LiveNodes[0], key, readQuorum: 3);
            Assert.That(read.Outcome, Is.EqualTo(KvOutcome.Found), $"{key}: {read.Problem}");
        }
    }
}
