using System.Diagnostics;
using System.Globalization;
using ChordKvs.Core.Ring;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Load balance of consistent hashing (Chord SIGCOMM 2001 §6.2): Fig. 8, keys per node for 10^5 to 10^6 keys on
/// 10^4 nodes; Fig. 9, keys per physical node when each of the 10^4 runs r virtual nodes.
/// </summary>
/// <remarks>
/// Placement only, no messages: a key belongs to the first (virtual) node at or after its identifier. Keys are
/// uniformly random 64-bit identifiers drawn from the seed, which is what SHA-1 of distinct key names amounts to.
/// Fig. 8 places each node at <see cref="NodeId.ForNode"/> of its address. Fig. 9 places the virtual nodes by both
/// rules of <see cref="PlacementRule"/>: independent identifiers (SHA-1 of the address with <c>#k</c>, the paper's
/// model) and ChordKvs's own rule (<see cref="ChordKvsPlacement"/>), both measured on the same key set. Within one
/// repetition the key sets of Fig. 8 are nested (the first 10^5 keys, then 2·10^5, ...), which makes each count a
/// uniform sample as the paper's independent runs are.
/// </remarks>
internal static class LoadBalanceExperiment
{
    /// <summary>The command-line name.</summary>
    public const string Name = "load-balance";

    /// <summary>
    /// Places the keys; returns Fig. 8's rows (one per key count) and Fig. 9's rows (per virtual-node count, one for
    /// each <see cref="PlacementRule"/> in its order).
    /// </summary>
    public static (IReadOnlyList<LoadRow> ByKeys, IReadOnlyList<LoadRow> ByVirtualNodes) Measure(LoadBalanceOptions options, int seed, ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var keyCounts = new List<int>();
        for (var keys = options.MinKeys; keys <= options.MaxKeys; keys += options.KeyStep)
        {
            keyCounts.Add(keys);
        }

        var byKeys = keyCounts.Select(keys => new LoadRow(keys, 1, PlacementRule.Random, new Distribution(), options.Nodes, new Distribution())).ToList();
        var byVirtual = options.VirtualNodes
            .SelectMany(virtualNodes => Enum.GetValues<PlacementRule>().Select(rule => new LoadRow(options.VirtualNodeKeys, virtualNodes, rule, new Distribution(), options.Nodes, new Distribution())))
            .ToList();
        var maxVirtual = options.VirtualNodes.DefaultIfEmpty(1).Max();
        for (var repetition = 0; repetition < options.Repetitions; repetition++)
        {
            var random = new Random(Seeds.For(seed, repetition));
            var addresses = Addresses(options.Nodes, seed, repetition);

            // ids[k][i]: virtual node k of physical node i at its own independent identifier.
            var ids = new ulong[maxVirtual][];
            for (var k = 0; k < maxVirtual; k++)
            {
                ids[k] = new ulong[options.Nodes];
                for (var i = 0; i < options.Nodes; i++)
                {
                    ids[k][i] = NodeId.ForNode(addresses[i], k).Value;
                }
            }

            // Fig. 8: plain consistent hashing, nested key sets.
            var ring = VirtualRing.Of(ids, 1);
            var counts = new int[options.Nodes];
            var placed = 0;
            foreach (var row in byKeys)
            {
                for (; placed < row.Keys; placed++)
                {
                    counts[ring.OwnerOf(Seeds.NextId(random))]++;
                }

                row.AddRun(counts);
            }

            // Fig. 9: one key set, sorted once and swept over each ring of virtual nodes.
            var keys = new ulong[options.VirtualNodeKeys];
            for (var j = 0; j < keys.Length; j++)
            {
                keys[j] = Seeds.NextId(random);
            }

            Array.Sort(keys);
            var chordKvs = new ChordKvsPlacement(addresses, maxVirtual);
            foreach (var row in byVirtual)
            {
                var virtualIds = row.Placement == PlacementRule.ChordKvs ? chordKvs.Place(row.VirtualNodes) : ids;
                row.AddRun(VirtualRing.Of(virtualIds, row.VirtualNodes).CountSorted(keys, options.Nodes));
            }

            progress.Tick(() => string.Create(CultureInfo.InvariantCulture, $"load-balance: {repetition + 1} of {options.Repetitions} placements"));
        }

        return (byKeys, byVirtual);
    }

    /// <summary>The addresses of the physical nodes of one repetition.</summary>
    public static string[] Addresses(int nodes, int seed, int repetition) =>
        [.. Enumerable.Range(0, nodes).Select(i => string.Create(CultureInfo.InvariantCulture, $"sim://seed-{seed}/run-{repetition}/node-{i}"))];

    /// <summary>Runs the experiment and lays out both tables and charts.</summary>
    public static ExperimentReport Run(LoadBalanceOptions options, int seed, ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var wall = Stopwatch.StartNew();
        var (byKeys, byVirtual) = Measure(options, seed, progress);
        return Report(byKeys, byVirtual, options, [string.Create(CultureInfo.InvariantCulture, $"load-balance: {options.Repetitions} placements of {options.Nodes:N0} nodes in {wall.Elapsed.TotalSeconds:0.00} s wall")]);
    }

    /// <summary>The tables and charts of measured rows.</summary>
    public static ExperimentReport Report(IReadOnlyList<LoadRow> byKeys, IReadOnlyList<LoadRow> byVirtual, LoadBalanceOptions options, IReadOnlyList<string> timings)
    {
        ArgumentNullException.ThrowIfNull(byKeys);
        ArgumentNullException.ThrowIfNull(byVirtual);
        ArgumentNullException.ThrowIfNull(options);
        var keysTable = new ResultTable("keys", "mean per node", "p1", "p99", "max of a run (mean)", "max of all runs", "p99 / mean", "run max / mean", "nodes with no key %");
        foreach (var row in byKeys)
        {
            keysTable.Add(row.Keys, row.Mean, row.PerNode.Percentile(1), row.PerNode.Percentile(99), row.RunMaxima.Mean, row.PerNode.Max, row.PerNode.Percentile(99) / row.Mean, row.RunMaxima.Mean / row.Mean, 100.0 * row.PerNode.CountOf(0) / row.PerNode.Count);
        }

        var keysAxis = new ChartAxis("Total number of keys (x 10^5)", 0, (options.MaxKeys / 1e5) + 1, [.. byKeys.Select(row => (row.Keys / 1e5, (row.Keys / 1e5).ToString("0.#", CultureInfo.InvariantCulture)))]);
        var keysChart = new SvgChart("Keys per node, 10^4 nodes (cf. Chord Fig. 8a)", keysAxis, "Number of keys per node")
            .Add(new ChartSeries("mean, 1st-99th pct", [.. byKeys.Select(row => new ChartPoint(row.Keys / 1e5, row.Mean, row.PerNode.Percentile(1), row.PerNode.Percentile(99)))], "#1f77b4"));

        var virtualTable = new ResultTable("virtual nodes", "placement", "keys", "mean per node", "p1", "p99", "max of a run (mean)", "p1 / mean", "p99 / mean", "paper p1 / mean", "paper p99 / mean");
        foreach (var row in byVirtual)
        {
            var (paperLow, paperHigh) = PaperValues.VirtualNodeSpread(row.VirtualNodes);
            virtualTable.Add(row.VirtualNodes, Label(row.Placement), row.Keys, row.Mean, row.PerNode.Percentile(1), row.PerNode.Percentile(99), row.RunMaxima.Mean, row.PerNode.Percentile(1) / row.Mean, row.PerNode.Percentile(99) / row.Mean, paperLow, paperHigh);
        }

        var virtualAxis = new ChartAxis("Number of virtual nodes per node (log scale)", -0.15, Math.Log10(Math.Max(2, byVirtual.Select(row => row.VirtualNodes).DefaultIfEmpty(1).Max())) + 0.15, [.. byVirtual.Select(row => row.VirtualNodes).Distinct().Select(virtualNodes => (Math.Log10(virtualNodes), virtualNodes.ToString(CultureInfo.InvariantCulture)))]);
        var virtualChart = new SvgChart("Keys per physical node with virtual nodes (cf. Chord Fig. 9)", virtualAxis, "Keys per physical node");
        foreach (var (rule, color, shift) in new[] { (PlacementRule.Random, "#1f77b4", -0.02), (PlacementRule.ChordKvs, "#ff7f0e", 0.02) })
        {
            // The two placements have the same mean; shifting them apart a little keeps both error bars visible.
            var rows = byVirtual.Where(row => row.Placement == rule);
            virtualChart.Add(new ChartSeries($"{Label(rule)}: mean, p1-p99", [.. rows.Select(row => new ChartPoint(Math.Log10(row.VirtualNodes) + shift, row.Mean, row.PerNode.Percentile(1), row.PerNode.Percentile(99)))], color));
        }

        var paperPoints = byVirtual.Where(row => row.Placement == PlacementRule.Random && row.VirtualNodes is 1 or 20).ToList();
        if (paperPoints.Count > 0)
        {
            virtualChart
                .Add(new ChartSeries("paper 99th pct (r = 1, 20)", [.. paperPoints.Select(row => new ChartPoint(Math.Log10(row.VirtualNodes), PaperValues.VirtualNodeSpread(row.VirtualNodes).High!.Value * row.Mean))], "#d62728", Dashed: true, Connected: false))
                .Add(new ChartSeries("paper 1st pct (r = 1, 20)", [.. paperPoints.Select(row => new ChartPoint(Math.Log10(row.VirtualNodes), PaperValues.VirtualNodeSpread(row.VirtualNodes).Low!.Value * row.Mean))], "#2ca02c", Dashed: true, Connected: false));
        }

        var keysNotes = new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"{options.Nodes:N0} nodes placed by SHA-1 of their address, random 64-bit key identifiers, {options.Repetitions} placements pooled: p1 and p99 over all nodes of all placements, the maximum of each placement averaged."),
            "Paper (SIGCOMM 2001 §6.2, Fig. 8b): with 5 x 10^5 keys the 99th percentile is 4.6 x the mean and the maximum 457 keys = 9.1 x the mean; some nodes hold no key at all.",
        };
        var virtualNotes = new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"Each of {options.Nodes:N0} physical nodes runs r virtual nodes; a key counts for the physical node owning its virtual successor. Both placements are measured on the same keys."),
            "random: virtual node k sits at SHA-1 of address#k, independent uniform identifiers as in the paper's model.",
            string.Create(CultureInfo.InvariantCulture, $"ChordKvs: member 0 sits at SHA-1 of the address; hosts join one after another and each later member takes whichever of its {VirtualNodePlacement.CandidatesPerMember} candidate identifiers lies in the longer arc of the ring as it is at that moment, splitting long arcs."),
            "Paper (SIGCOMM 2001 §6.2, Fig. 9): as r goes from 1 to 20 the 99th percentile falls from 4.8 x to 1.6 x the mean and the 1st rises from 0 to 0.5 x; the paper gives no figures for r = 2, 5, 10 (-).",
        };
        return new ExperimentReport(
            Name,
            [
                new ReportPart(Name, "Load balance: keys per node (Chord Fig. 8)", keysTable, keysChart, keysNotes),
                new ReportPart(Name + "-virtual-nodes", "Load balance with virtual nodes: keys per physical node (Chord Fig. 9)", virtualTable, virtualChart, virtualNotes),
            ],
            timings);
    }

    private static string Label(PlacementRule rule) => rule == PlacementRule.ChordKvs ? "ChordKvs" : "random";
}
