using System.Text;
using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Builds simulated clusters for the replication tests and checks what all of them need checked.</summary>
internal static class Clusters
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(5);

    /// <summary>Settings with background passes fast enough that a test settles in a minute or two of virtual time.</summary>
    public static ChordKvsOptions FastOptions()
    {
        var options = new ChordKvsOptions();
        options.Replication.AntiEntropyInterval = TimeSpan.FromSeconds(5);
        options.Replication.RebalanceDelay = TimeSpan.FromMilliseconds(500);
        return options;
    }

    /// <summary>A cluster of <paramref name="nodes"/> nodes whose ring pointers have settled to the oracle's.</summary>
    public static SimulatedCluster Stable(int nodes, int seed, ChordKvsOptions? options = null)
    {
        var cluster = new SimulatedCluster(seed, options ?? FastOptions());
        cluster.CreateRing();
        if (nodes > 1)
        {
            cluster.JoinMany(nodes - 1, TimeSpan.FromMilliseconds(20));
        }

        var error = cluster.RunUntilConsistent(SettleLimit, CheckEvery);
        Assert.That(error, Is.Null, $"a {nodes}-node cluster (seed {seed}) should form a correct ring within {SettleLimit} of virtual time");
        return cluster;
    }

    public static string Text(byte[]? utf8) => utf8 is null ? "(none)" : Encoding.UTF8.GetString(utf8);

    /// <summary>Writes <paramref name="count"/> keys through random nodes and returns each key with its JSON.</summary>
    public static Dictionary<string, string?> WriteKeys(SimulatedCluster cluster, int count, string prefix = "key")
    {
        var written = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = $"{prefix}/{i}";
            var json = $$"""{"n":{{i}},"text":"value {{i}} of {{prefix}}"}""";
            var via = cluster.LiveNodes[cluster.Random.Next(cluster.LiveNodes.Count)];
            var result = cluster.Put(via, key, json);
            Assert.That(result.Outcome, Is.EqualTo(KvOutcome.Created), $"writing {key} through {via.Self} should create it: {result.Problem}");
            written[key] = json;
        }

        return written;
    }

    /// <summary>Asserts that every key reads back as expected through <paramref name="via"/> (every live node when null).</summary>
    public static void AssertReadable(SimulatedCluster cluster, IReadOnlyDictionary<string, string?> expected, IReadOnlyList<ChordKvsNode>? via = null)
    {
        foreach (var node in via ?? cluster.LiveNodes)
        {
            foreach (var (key, json) in expected)
            {
                var result = cluster.Get(node, key);
                if (json is null)
                {
                    Assert.That(result.Outcome, Is.EqualTo(KvOutcome.NotFound), $"deleted key {key} read through {node.Self} should be not found, got {Text(result.Value)}: {result.Problem}");
                }
                else
                {
                    Assert.That(result.Outcome, Is.EqualTo(KvOutcome.Found), $"key {key} read through {node.Self} should be found: {result.Problem}");
                    Assert.That(Text(result.Value), Is.EqualTo(json), $"key {key} read through {node.Self}");
                }
            }
        }
    }

    /// <summary>Asserts that no node counted an unexpected failure and no handler threw.</summary>
    public static void AssertHealthy(SimulatedCluster cluster)
    {
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Network.HandlerFaults, Is.Zero, "no request handler may throw");
            Assert.That(cluster.LiveNodes.Sum(node => node.ReplicationFailures), Is.Zero, "no replication call or pass may fail unexpectedly");
            Assert.That(cluster.LiveNodes.Sum(node => node.Ring.MaintenanceFailures), Is.Zero, "no ring maintenance round may fail unexpectedly");
        });
    }
}
