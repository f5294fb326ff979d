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
    public void Virtual_nodes_narrow_the_spread_of_keys_per_node_with_either_placement()
    {
        var (_, byVirtual) = LoadBalanceExperiment.Measure(Small, seed: 3, ProgressReporter.Silent);

        Assert.That(byVirtual.Select(row => (row.VirtualNodes, row.Placement)), Is.EqualTo(new[]
        {
            (1, PlacementRule.Random), (1, PlacementRule.ChordKvs),
            (5, PlacementRule.Random), (5, PlacementRule.ChordKvs),
            (20, PlacementRule.Random), (20, PlacementRule.ChordKvs),
        }));
        Assert.Multiple(() =>
        {
            foreach (var rule in Enum.GetValues<PlacementRule>())
            {
                var rows = byVirtual.Where(row => row.Placement == rule).ToList();
                for (var i = 1; i < rows.Count; i++)
                {
                    var fewer = rows[i - 1];
                    var more = rows[i];
                    Assert.That(more.PerNode.Percentile(99), Is.LessThan(fewer.PerNode.Percentile(99)), $"{rule}: the 99th percentile should fall from {fewer.VirtualNodes} to {more.VirtualNodes} virtual nodes");
                    Assert.That(more.PerNode.Percentile(1), Is.GreaterThan(fewer.PerNode.Percentile(1)), $"{rule}: the 1st percentile should rise from {fewer.VirtualNodes} to {more.VirtualNodes} virtual nodes");
                }

                var twenty = rows[^1];
                Assert.That(twenty.PerNode.Percentile(99) / twenty.Mean, Is.LessThan(2.0), $"{rule}: with 20 virtual nodes the 99th percentile should be within 2x the mean");
            }
        });
    }

    // Over seeds 1 to 19 at this size the ChordKvs placement's 99th percentile was 10 to 22 keys below random's.
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void With_20_virtual_nodes_the_ChordKvs_placement_has_a_lower_99th_percentile_than_random_placement(int seed)
    {
        var (_, byVirtual) = LoadBalanceExperiment.Measure(Small, seed, ProgressReporter.Silent);

        var random = byVirtual.Single(row => row is { VirtualNodes: 20, Placement: PlacementRule.Random });
        var chordKvs = byVirtual.Single(row => row is { VirtualNodes: 20, Placement: PlacementRule.ChordKvs });
        Assert.That(chordKvs.PerNode.Percentile(99), Is.LessThan(random.PerNode.Percentile(99)), "choosing the candidate in the longer arc should trim the heaviest hosts");
    }

    [Test]
    public void The_same_seed_gives_the_same_virtual_node_table_for_both_placements()
    {
        static string VirtualNodeTable(int seed)
        {
            var (byKeys, byVirtual) = LoadBalanceExperiment.Measure(Small, seed, ProgressReporter.Silent);
            return LoadBalanceExperiment.Report(byKeys, byVirtual, Small, []).Parts[1].Table.ToCsv();
        }

        var first = VirtualNodeTable(seed: 5);

        Assert.Multiple(() =>
        {
            Assert.That(VirtualNodeTable(seed: 5), Is.EqualTo(first), "the same seed must give the same table");
            Assert.That(first.Split('\n')[0], Does.StartWith("virtual nodes,placement,"));
            Assert.That(first, Does.Contain("\n20,random,").And.Contain("\n20,ChordKvs,"), "a row per placement");
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
