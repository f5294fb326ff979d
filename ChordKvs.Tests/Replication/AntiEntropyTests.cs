using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Replication;

/// <summary>Anti-entropy passes between the replicas of a range on the simulated network.</summary>
public class AntiEntropyTests
{
    // Small transfer batches, so that the number of fetch and push calls tells how many entries an exchange moved.
    private const int TransferBatchSize = 8;

    // More digest calls than the one per replica and pass: at least one arc was split into its 16 parts.
    private const int ArcDigestsAtLeast = 16;

    private static SimulatedCluster ThreeNodesHolding(IReadOnlyList<string> keys, int seed)
    {
        var cluster = new SimulatedCluster(seed, new ChordKvsOptions
        {
            Replication = new ReplicationOptions { TransferBatchSize = TransferBatchSize },
        });
        cluster.Start(3);
        Assert.That(cluster.RunUntil(() => true, TimeSpan.FromMinutes(2)), Is.True, $"a 3-node ring should form: {cluster.FindRingError()}");
        foreach (var key in keys)
        {
            Assert.That(cluster.Put(cluster.LiveNodes[0], key, "\"v\"", writeQuorum: 3).Succeeded, Is.True);
        }

        return cluster;
    }

    [Test]
    public void Replicas_that_differ_in_one_key_exchange_only_the_small_arc_around_it()
    {
        var keys = Enumerable.Range(0, 1500).Select(i => $"ae-{i}").ToList();
        var cluster = ThreeNodesHolding(keys, seed: 21);
        var ahead = cluster.LiveNodes[1];
        var stored = ahead.Store.Get(keys[700])!;
        var newer = StoredEntry.Live(stored.Key, "\"newer\""u8.ToArray(), stored.Version with { Timestamp = HybridTimestamp.FromPacked(stored.Version.Timestamp.Packed + 1) });
        ahead.Store.Apply(newer);
        cluster.Network.Options.TraceCapacity = int.MaxValue;
        var traced = cluster.Network.Trace.Count;

        Assert.That(cluster.RunUntil(() => cluster.LiveNodes.All(node => node.Store.Get(newer.Key)?.Version == newer.Version), TimeSpan.FromMinutes(1)), Is.True,
            "the other replicas should get the newer version from anti-entropy");
        cluster.RunUntil(() => false, TimeSpan.FromSeconds(20));

        var messages = cluster.Network.Trace.Skip(traced).Where(line => line.Contains(" Request ", StringComparison.Ordinal)).ToList();
        var transfers = messages.Count(line => line.Contains("RangeFetchRequest", StringComparison.Ordinal) || line.Contains("RangePushRequest", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            // Each node's range holds about 500 keys: exchanging it whole with one replica would take about 2 × 500 / 8
            // = 125 calls. An arc of at most 64 entries takes at most 2 × (64 / 8 + 1) = 18 per replica that lags.
            Assert.That(transfers, Is.InRange(1, 2 * 18), "only the arc around the key is exchanged");
            Assert.That(messages.Count(line => line.Contains("RangeDigestRequest", StringComparison.Ordinal)), Is.GreaterThan(ArcDigestsAtLeast),
                "the difference is narrowed down by the digests of the range's parts");
        });
    }

    [Test]
    public void An_emptied_replica_gets_every_key_back()
    {
        var keys = Enumerable.Range(0, 300).Select(i => $"ae-{i}").ToList();
        var cluster = ThreeNodesHolding(keys, seed: 22);
        var emptied = cluster.LiveNodes[2];
        foreach (var key in keys)
        {
            emptied.Store.RemoveIfUnchanged(emptied.Store.Get(key)!);
        }

        Assert.That(cluster.RunUntil(() => keys.All(key => emptied.Store.Get(key) is not null), TimeSpan.FromMinutes(1)), Is.True,
            $"the emptied replica should get every key back; it holds {keys.Count(key => emptied.Store.Get(key) is not null)} of {keys.Count}");
    }
}
