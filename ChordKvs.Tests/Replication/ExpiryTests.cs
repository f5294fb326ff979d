using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Values written with a time to live, on a simulated cluster in virtual time.</summary>
public class ExpiryTests
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    private static SimulatedCluster StableCluster(int seed)
    {
        var cluster = new SimulatedCluster(seed);
        cluster.Start(5);
        Assert.That(cluster.RunUntil(() => true, SettleLimit), Is.True, $"a 5-node ring should form: {cluster.FindRingError()}");
        return cluster;
    }

    private static List<ChordKvsNode> ReplicasOf(SimulatedCluster cluster, string key) =>
        [.. cluster.ExpectedReplicasOf(key).Select(replica => cluster.LiveNodes.Single(node => node.Self.Id == replica.Id))];

    [Test]
    public void Every_replica_holds_the_same_absolute_expiry_and_the_value_reads_until_then()
    {
        var cluster = StableCluster(seed: 11);
        var writtenAt = cluster.Scheduler.UtcNow;

        var written = cluster.Put(cluster.LiveNodes[0], "session/1", "\"token\"", timeToLive: TimeToLive);

        Assert.That(written.Outcome, Is.EqualTo(KvOutcome.Created), written.Problem);
        Assert.That(cluster.RunUntil(() => cluster.AllReplicated(["session/1"]), SettleLimit), Is.True, "the value reaches its three replicas");
        var expiries = ReplicasOf(cluster, "session/1").Select(node => node.Store.Get("session/1")?.ExpiresAt).ToList();
        Assert.That(expiries, Is.All.EqualTo(writtenAt + TimeToLive), "every replica carries the expiry fixed when the write was taken, not one counted from its own receipt");
        Assert.That(cluster.LiveNodes.Select(node => cluster.Get(node, "session/1").Outcome), Is.All.EqualTo(KvOutcome.Found), "before the expiry every node reads the value");
    }

    [Test]
    public void After_the_expiry_every_node_reads_404_and_every_replica_frees_the_value()
    {
        var cluster = StableCluster(seed: 12);
        cluster.Put(cluster.LiveNodes[1], "session/2", "{\"user\":42}", timeToLive: TimeToLive);
        var expiresAt = cluster.Scheduler.UtcNow + TimeToLive;

        // Anti-entropy runs every 5 s (jittered), so a few periods after the expiry every replica has expired it.
        var replicas = ReplicasOf(cluster, "session/2");
        var purged = cluster.RunUntil(
            () => cluster.Scheduler.UtcNow > expiresAt && replicas.All(node => node.Store.Get("session/2") is { IsTombstone: true }),
            SettleLimit);

        Assert.That(purged, Is.True, "every replica replaces the expired value by a tombstone: " + string.Join("; ", replicas.Select(node => node.Store.Get("session/2")?.ToString() ?? "<none>")));
        Assert.That(replicas.Select(node => node.Store.ValueBytes), Is.All.Zero, "the expired value's bytes are freed on every replica");
        Assert.That(cluster.LiveNodes.Select(node => cluster.Get(node, "session/2").Outcome), Is.All.EqualTo(KvOutcome.NotFound), "every node reads the expired key as absent");
    }

    [Test]
    public void An_expired_key_reads_404_at_once_even_before_maintenance_has_run_and_can_be_created_again()
    {
        var cluster = StableCluster(seed: 13);
        var node = cluster.LiveNodes[2];
        var first = cluster.Put(node, "lease", "1", timeToLive: TimeSpan.FromSeconds(2));

        cluster.Scheduler.RunFor(TimeSpan.FromSeconds(2));

        Assert.That(cluster.Get(node, "lease").Outcome, Is.EqualTo(KvOutcome.NotFound), "the value is gone the moment its expiry arrives");
        Assert.That(cluster.Put(node, "lease", "2", new WriteConditions(IfMatch: first.Version)).Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "If-Match never matches an expired value");
        Assert.That(cluster.Delete(node, "lease").Outcome, Is.EqualTo(KvOutcome.NotFound), "there is nothing to delete");
        Assert.That(cluster.Put(node, "lease", "3", new WriteConditions(IfAbsent: true)).Outcome, Is.EqualTo(KvOutcome.Created), "an expired key is absent, so create-only succeeds");
        Assert.That(cluster.Get(cluster.LiveNodes[0], "lease").Value, Is.EqualTo("3"u8.ToArray()), "the new value never expires");
    }

    [Test]
    public void An_expired_value_does_not_let_an_older_version_on_a_stale_replica_come_back()
    {
        var cluster = StableCluster(seed: 14);
        cluster.Put(cluster.LiveNodes[0], "k", "\"old\"");
        Assert.That(cluster.RunUntil(() => cluster.AllReplicated(["k"]), SettleLimit), Is.True);
        var replicas = ReplicasOf(cluster, "k");
        var old = replicas[2].Store.Get("k")!;
        cluster.Put(cluster.LiveNodes[0], "k", "\"new\"", timeToLive: TimeSpan.FromSeconds(10));
        Assert.That(cluster.RunUntil(() => replicas.All(node => node.Store.Get("k") is { IsTombstone: true }), SettleLimit), Is.True, "the value expires everywhere");

        // One replica loses the expired write and holds the older value again, as if it had missed the write.
        replicas[2].Store.RemoveRange(new NodeId(old.KeyId.Value - 1), old.KeyId);
        replicas[2].Store.Apply(old);

        Assert.That(cluster.LiveNodes.Select(node => cluster.Get(node, "k", readQuorum: 3).Outcome), Is.All.EqualTo(KvOutcome.NotFound),
            "the expired write's version beats the older value the stale replica holds");
        Assert.That(cluster.RunUntil(() => replicas[2].Store.Get("k") is { IsTombstone: true }, SettleLimit), Is.True, "anti-entropy brings the stale replica the tombstone");
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(366 * 24 * 3600)]
    public void A_time_to_live_out_of_range_is_invalid_and_stores_nothing(int seconds)
    {
        var cluster = StableCluster(seed: 15);

        var result = cluster.Put(cluster.LiveNodes[0], "bad-ttl", "1", timeToLive: TimeSpan.FromSeconds(seconds));

        Assert.That(result.Outcome, Is.EqualTo(KvOutcome.Invalid), "a time to live must be positive and within Limits.MaxTimeToLive");
        Assert.That(cluster.CopiesOf("bad-ttl"), Is.Zero, "nothing is stored");
    }
}
