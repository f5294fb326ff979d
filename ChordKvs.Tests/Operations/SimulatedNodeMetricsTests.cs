using ChordKvs.Core;
using ChordKvs.Core.Diagnostics;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Transport.Http.Diagnostics;

namespace ChordKvs.Tests.Operations;

/// <summary>
/// <see cref="ChordKvsMetrics"/> on a node of the simulated network: it counts the node's lookups, forwards and
/// range transfers, and recording them changes nothing about the run, which stays the same for the same seed.
/// </summary>
public sealed class SimulatedNodeMetricsTests
{
    private const int Keys = 40;

    [Test]
    public void A_joining_node_counts_its_range_transfer_lookups_and_forwards()
    {
        var scrape = PrometheusScrape.Parse(JoinAndReadThroughObservedNode(seed: 11));

        Assert.Multiple(() =>
        {
            Assert.That(scrape["chordkvs_replication_entries_transferred_total{direction=\"received\"}"], Is.GreaterThan(0), $"the newcomer received its range. Scrape:\n{scrape.Text}");
            Assert.That(scrape["chordkvs_lookup_hops_count"], Is.EqualTo(Keys), "one lookup per read");
            Assert.That(scrape["chordkvs_client_forwards_total"], Is.GreaterThan(0), "reads of keys other nodes coordinate are forwarded");
            Assert.That(scrape["chordkvs_store_keys"], Is.GreaterThan(0), "the newcomer stores keys");
            Assert.That(scrape["chordkvs_ring_known_nodes"], Is.EqualTo(5), "it knows all five nodes of the ring");
        });
    }

    [Test]
    public void Recording_metrics_leaves_a_seeded_run_deterministic()
    {
        var first = JoinAndReadThroughObservedNode(seed: 23);
        var second = JoinAndReadThroughObservedNode(seed: 23);

        Assert.That(second, Is.EqualTo(first), "two runs of one seed record the same measurements");
    }

    /// <summary>Four nodes hold <see cref="Keys"/> keys; a fifth node with metrics joins, settles, and reads every key.</summary>
    private static string JoinAndReadThroughObservedNode(int seed)
    {
        var cluster = new SimulatedCluster(seed);
        cluster.Start(4);
        var keys = Enumerable.Range(0, Keys).Select(i => $"key-{i}").ToList();
        foreach (var key in keys)
        {
            Assert.That(cluster.Put(cluster.LiveNodes[0], key, "1").Outcome, Is.EqualTo(KvOutcome.Created), $"writing {key}");
        }

        using var metrics = new ChordKvsMetrics();
        using var aggregator = new MeterAggregator(metrics.Meter);
        var info = NodeInfo.FromAddress("sim://observed");
        using var node = new ChordKvsNode(info, cluster.Network.CreateTransport(info), cluster.Options, cluster.Scheduler.TimeProvider, new Random(seed), loggerFactory: null, metrics);
        cluster.Network.Attach(info, node);
        cluster.Run(() => node.JoinAsync(cluster.LiveNodes[0].Self));

        // Long enough for stabilization to settle, the range to be pulled and anti-entropy to run.
        cluster.Scheduler.RunFor(TimeSpan.FromSeconds(30));
        foreach (var key in keys)
        {
            Assert.That(cluster.Get(node, key).Outcome, Is.EqualTo(KvOutcome.Found), $"reading {key} through the newcomer");
        }

        return PrometheusTextFormat.Write(aggregator.Collect());
    }
}
