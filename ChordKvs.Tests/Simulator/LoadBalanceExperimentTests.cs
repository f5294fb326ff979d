using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class LoadBalanceExperimentTests
{
    private static readonly LoadBalanceOptions Small = new()
    {
        Nodes = 500,
        MinKeys = 10_000,
        MaxKeys = 50_000,
        KeyStep = 20_000,
        Repetitions = 3,
        VirtualNodes = [1, 5, 20],
        VirtualNodeKeys = 50_000,
    };

    [Test]
    public void Virtual_nodes_narrow_the_spread_of_keys_per_node()
    {
        var (_, byVirtual) = LoadBalanceExperiment.Measure(Small, seed: 3, ProgressReporter.Silent);

        Assert.That(byVirtual.Select(row => row.VirtualNodes), Is.EqualTo(new[] { 1, 5, 20 }));
        Assert.Multiple(() =>
        {
            for (var i = 1; i < byVirtual.Count; i++)
            {
                var fewer = byVirtual[i - 1];
                var more = byVirtual[i];
                Assert.That(more.PerNode.Percentile(99), Is.LessThan(fewer.PerNode.Percentile(99)), $"the 99th percentile should fall from {fewer.VirtualNodes} to {more.VirtualNodes} virtual nodes");
                Assert.That(more.PerNode.Percentile(1), Is.GreaterThan(fewer.PerNode.Percentile(1)), $"the 1st percentile should rise from {fewer.VirtualNodes} to {more.VirtualNodes} virtual nodes");
            }

            var twenty = byVirtual[^1];
            Assert.That(twenty.PerNode.Percentile(99) / twenty.Mean, Is.LessThan(2.0), "with 20 virtual nodes the 99th percentile should be within 2x the mean");
        });
    }

    [Test]
    public void Keys_per_node_average_k_over_n_and_plain_hashing_leaves_a_wide_spread()
    {
        var (byKeys, _) = LoadBalanceExperiment.Measure(Small, seed: 3, ProgressReporter.Silent);

        Assert.That(byKeys.Select(row => row.Keys), Is.EqualTo(new[] { 10_000, 30_000, 50_000 }));
        Assert.Multiple(() =>
        {
            foreach (var row in byKeys)
            {
                Assert.That(row.PerNode.Mean, Is.EqualTo(row.Mean).Within(1e-9), $"{row.Keys} keys on {Small.Nodes} nodes average exactly K/N per node");
                Assert.That(row.PerNode.Count, Is.EqualTo(Small.Nodes * Small.Repetitions), "one sample per node and placement");
                Assert.That(row.PerNode.Percentile(99) / row.Mean, Is.GreaterThan(3.0), "without virtual nodes the 99th percentile is several times the mean");
            }
        });
    }
}
