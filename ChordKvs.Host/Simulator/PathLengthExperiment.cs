using System.Diagnostics;
using System.Globalization;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Path length as the ring grows (Chord SIGCOMM 2001 §6.3, Fig. 10): for N = 2^k nodes, k from 3 to 14, 100·N
/// lookups of random identifiers from random nodes; mean, 1st and 99th percentile of the hops beside ½·log2 N.
/// </summary>
/// <remarks>
/// Each ring is built stable by <see cref="SimulatedRing.CreateStableRing"/> (the paper measures a stable ring, not
/// the joins that built it); the lookups are the real <see cref="ChordNode.FindSuccessorAsync"/> on the simulated
/// network, many at once, and each answer is checked against the oracle.
/// </remarks>
internal static class PathLengthExperiment
{
    /// <summary>The command-line name.</summary>
    public const string Name = "path-length";

    /// <summary>Builds each ring and runs its lookups.</summary>
    public static IReadOnlyList<PathLengthRow> Measure(PathLengthOptions options, int seed, ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var rows = new List<PathLengthRow>();
        for (var k = options.MinExponent; k <= options.MaxExponent; k++)
        {
            var wall = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var nodes = 1 << k;
            var total = (long)options.LookupsPerNode * nodes;
            var ring = new SimulatedRing(Seeds.For(seed, k), new ChordOptions { SuccessorListLength = options.SuccessorListLength });
            ring.CreateStableRing(nodes);
            var oracle = ring.Oracle();
            var hops = new Distribution();
            long wrong = 0;
            long failed = 0;
            for (long done = 0; done < total;)
            {
                var batch = (int)Math.Min(options.Concurrency, total - done);
                var asked = new (ChordNode From, NodeId Id)[batch];
                for (var i = 0; i < batch; i++)
                {
                    asked[i] = (ring.LiveNodes[ring.Random.Next(nodes)], new NodeId(Seeds.NextId(ring.Random)));
                }

                var results = ring.LookupMany(asked);
                for (var i = 0; i < batch; i++)
                {
                    if (!results[i].IsCompletedSuccessfully)
                    {
                        failed++;
                        continue;
                    }

                    var result = results[i].Result;
                    hops.Add(result.Hops);
                    if (result.Successor.Id != oracle.Successor(asked[i].Id).Id)
                    {
                        wrong++;
                    }
                }

                done += batch;
                progress.Tick(() => string.Create(CultureInfo.InvariantCulture, $"path-length: N = 2^{k}: {done:N0} of {total:N0} lookups"));
            }

            rows.Add(new PathLengthRow(k, nodes, hops, wrong, failed, ring.Network.MessagesSent, wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu));
            progress.Say(string.Create(CultureInfo.InvariantCulture, $"path-length: N = 2^{k} = {nodes:N0}: {total:N0} lookups, mean {hops.Mean:0.000} hops, {wall.Elapsed.TotalSeconds:0.0} s wall"));
        }

        return rows;
    }

    /// <summary>Runs the experiment and lays out its table and chart.</summary>
    public static ExperimentReport Run(PathLengthOptions options, int seed, ProgressReporter progress)
    {
        var rows = Measure(options, seed, progress);
        return Report(rows, options);
    }

    /// <summary>The table and chart of measured rows.</summary>
    public static ExperimentReport Report(IReadOnlyList<PathLengthRow> rows, PathLengthOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var table = new ResultTable("k", "nodes", "lookups", "mean hops", "p1 hops", "p99 hops", "max hops", "half log2 N", "mean - half log2 N", "wrong", "failed");
        foreach (var row in rows)
        {
            table.Add(row.Exponent, row.Nodes, row.Hops.Count + row.Failed, row.Hops.Mean, row.Hops.Percentile(1), row.Hops.Percentile(99), row.Hops.Max, row.HalfLog2, row.Hops.Mean - row.HalfLog2, row.Wrong, row.Failed);
        }

        var axis = new ChartAxis(
            "Number of nodes N",
            options.MinExponent - 0.5,
            options.MaxExponent + 0.5,
            [.. rows.Select(row => ((double)row.Exponent, string.Create(CultureInfo.InvariantCulture, $"2^{row.Exponent}")))]);
        var chart = new SvgChart("Path length as a function of network size (cf. Chord Fig. 10a)", axis, "Hops per lookup")
            .Add(new ChartSeries("1/2 log2 N (paper)", [.. rows.Select(row => new ChartPoint(row.Exponent, row.HalfLog2))], "#888888", Dashed: true))
            .Add(new ChartSeries("mean, 1st-99th pct", [.. rows.Select(row => new ChartPoint(row.Exponent, row.Hops.Mean, row.Hops.Percentile(1), row.Hops.Percentile(99)))], "#1f77b4"));
        var notes = new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"{options.LookupsPerNode} lookups per node from random nodes to random identifiers on a stable ring; successor list r = {options.SuccessorListLength}."),
            "hops = nodes other than the asking node that answered a lookup step (LookupResult.Hops); 0 when the asking node's own successor list settles it.",
            "Paper (SIGCOMM 2001 §6.3, Fig. 10a): the mean path length is about 1/2 log2 N.",
        };
        return new ExperimentReport(Name, [new ReportPart(Name, "Path length (Chord Fig. 10)", table, chart, notes)], [.. rows.Select(Timing)]);
    }

    private static string Timing(PathLengthRow row) =>
        string.Create(CultureInfo.InvariantCulture, $"path-length: N = 2^{row.Exponent}: {row.Hops.Count + row.Failed:N0} lookups, {row.Messages:N0} messages in {row.Wall.TotalSeconds:0.00} s wall, {row.Cpu.TotalSeconds:0.00} s CPU");
}
