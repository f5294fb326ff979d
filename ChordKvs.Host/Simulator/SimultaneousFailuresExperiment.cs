using System.Diagnostics;
using System.Globalization;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Lookups right after many nodes fail at once (Chord ToN 2003 §V-D, Table II): a stable ring of 1,000 nodes with
/// successor lists of 2·log2 N = 20, a fraction p of them crashed at the same instant, no stabilization
/// afterwards, then 10,000 lookups of random identifiers from random survivors.
/// </summary>
/// <remarks>
/// The ring is built by <see cref="SimulatedRing.CreateStableRing"/> without maintenance, so no stabilize, fix_fingers
/// or check_predecessor ever runs: dead nodes are discovered only when a lookup times out on them. Every lookup is
/// judged against the oracle of the survivors: it fails if it throws or if the node it settles on is not the key's
/// live successor.
/// </remarks>
internal static class SimultaneousFailuresExperiment
{
    /// <summary>The command-line name.</summary>
    public const string Name = "simultaneous-failures";

    /// <summary>How long one lookup may take in all; generous, because each dead node costs a 500 ms request timeout.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs one ring per fraction.</summary>
    public static IReadOnlyList<SimultaneousFailuresRow> Measure(SimultaneousFailuresOptions options, int seed, ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var rows = new List<SimultaneousFailuresRow>();
        for (var part = 0; part < options.Fractions.Count; part++)
        {
            var wall = Stopwatch.StartNew();
            var fraction = options.Fractions[part];
            var ring = new SimulatedRing(Seeds.For(seed, part), new ChordOptions { SuccessorListLength = options.EffectiveSuccessorListLength, LookupTimeout = LookupTimeout });
            ring.CreateStableRing(options.Nodes, startMaintenance: false);
            var failing = Math.Min(options.Nodes - 1, (int)Math.Round(fraction * options.Nodes));
            foreach (var victim in Shuffled(ring.LiveNodes, ring.Random).Take(failing).ToList())
            {
                ring.Crash(victim);
            }

            var survivors = ring.LiveNodes.ToList();
            var oracle = ring.Oracle();
            var asked = new (ChordNode From, NodeId Id)[options.Lookups];
            for (var i = 0; i < asked.Length; i++)
            {
                asked[i] = (survivors[ring.Random.Next(survivors.Count)], new NodeId(Seeds.NextId(ring.Random)));
            }

            var client = new LookupClient(ring.Network);
            var outcomes = ring.Scheduler.Run(() => Task.WhenAll(asked.Select(lookup => client.ResolveAsync(lookup.From, lookup.Id))), TimeSpan.FromHours(1));
            var tally = new LookupTally();
            foreach (var outcome in outcomes)
            {
                tally.Add(outcome, oracle, ring.Network.IsUp);
            }

            rows.Add(new SimultaneousFailuresRow(fraction, failing, tally, wall.Elapsed));
            progress.Say(string.Create(CultureInfo.InvariantCulture, $"simultaneous-failures: {fraction:0.##} failed ({failing} nodes): {tally.Failures} of {tally.Lookups:N0} lookups failed, {tally.Timeouts.Mean:0.00} timeouts per lookup, {wall.Elapsed.TotalSeconds:0.0} s wall"));
        }

        return rows;
    }

    /// <summary>Runs the experiment and lays out its table and chart.</summary>
    public static ExperimentReport Run(SimultaneousFailuresOptions options, int seed, ProgressReporter progress) =>
        Report(Measure(options, seed, progress), options);

    /// <summary>The table and chart of measured rows.</summary>
    public static ExperimentReport Report(IReadOnlyList<SimultaneousFailuresRow> rows, SimultaneousFailuresOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var table = new ResultTable(
            "failed fraction", "failed nodes", "lookups", "failed lookups", "raw answer wrong", "raw answer dead",
            "mean hops", "p1 hops", "p99 hops", "mean timeouts", "p1 timeouts", "p99 timeouts", "client fallbacks", "continuations", "redirects",
            "paper mean path (p1, p99)", "paper mean timeouts (p1, p99)");
        foreach (var row in rows)
        {
            var tally = row.Tally;
            var paper = PaperValues.FailuresAt(row.Fraction);
            table.Add(
                row.Fraction.ToString("0.0#", CultureInfo.InvariantCulture), row.FailedNodes, tally.Lookups, tally.Failures, tally.RawFailures, tally.RawDead,
                tally.Hops.Mean, tally.Hops.Percentile(1), tally.Hops.Percentile(99), tally.Timeouts.Mean, tally.Timeouts.Percentile(1), tally.Timeouts.Percentile(99), tally.ClientTimeouts, tally.Continuations, tally.Redirects,
                paper is null ? null : string.Create(CultureInfo.InvariantCulture, $"{paper.PathLength:0.00} ({paper.PathP1}, {paper.PathP99})"),
                paper is null ? null : string.Create(CultureInfo.InvariantCulture, $"{paper.Timeouts:0.00} ({paper.TimeoutsP1}, {paper.TimeoutsP99})"));
        }

        var maxFraction = rows.Select(row => row.Fraction).DefaultIfEmpty(0.5).Max();
        var axis = new ChartAxis("Fraction of nodes failed at once", -0.03, maxFraction + 0.03, [.. rows.Select(row => (row.Fraction, row.Fraction.ToString("0.0#", CultureInfo.InvariantCulture)))]);
        var paperRows = rows.Select(row => row.Fraction).Distinct().Select(PaperValues.FailuresAt).OfType<PaperValues.TableTwoRow>().ToList();
        var chart = new SvgChart("Lookups after simultaneous failures, no stabilization (cf. ToN Table II)", axis, "Per lookup")
            .Add(new ChartSeries("paper: path length", [.. paperRows.Select(row => new ChartPoint(row.Fraction, row.PathLength))], "#1f77b4", Dashed: true))
            .Add(new ChartSeries("paper: timeouts", [.. paperRows.Select(row => new ChartPoint(row.Fraction, row.Timeouts))], "#d62728", Dashed: true))
            .Add(new ChartSeries("hops (1st-99th pct)", [.. rows.Select(row => new ChartPoint(row.Fraction - 0.006, row.Tally.Hops.Mean, row.Tally.Hops.Percentile(1), row.Tally.Hops.Percentile(99)))], "#1f77b4"))
            .Add(new ChartSeries("timeouts (1st-99th pct)", [.. rows.Select(row => new ChartPoint(row.Fraction + 0.006, row.Tally.Timeouts.Mean, row.Tally.Timeouts.Percentile(1), row.Tally.Timeouts.Percentile(99)))], "#d62728"))
            .Add(new ChartSeries("failed lookups per 10,000", [.. rows.Select(row => new ChartPoint(row.Fraction, row.Tally.FailuresPer10000))], "#2ca02c"));
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{options.Nodes:N0} stable nodes, successor list r = {options.EffectiveSuccessorListLength}, no maintenance after the failures; {options.Lookups:N0} lookups per row from random survivors to random identifiers, all started together."),
            "failed lookups: threw, or the node the client settled on is not the key's live successor. raw answer wrong/dead: the first node the lookup itself returned (before the client falls back over dead entries).",
            "hops: nodes that answered a lookup step. timeouts: dead nodes contacted, by the lookup and by the client's fallback. client fallbacks (dead nodes the client contacted: entries of an answer it skipped, and nodes listed before a dead answer that it asked), continuations (answers whose entries were all dead, looked up again past the last), redirects: totals over all lookups.",
            "Paper: ToN 2003 Table II (1,000 nodes, r = 20, 10,000 lookups).",
        };
        notes.AddRange(rows.SelectMany(row => row.Tally.Examples.Select(example => string.Create(CultureInfo.InvariantCulture, $"example failure at {row.Fraction:0.0#}: {example}"))));
        return new ExperimentReport(Name, [new ReportPart(Name, "Simultaneous node failures (Chord ToN Table II)", table, chart, notes)], [.. rows.Select(Timing)]);
    }

    private static string Timing(SimultaneousFailuresRow row) =>
        string.Create(CultureInfo.InvariantCulture, $"simultaneous-failures: fraction {row.Fraction:0.0#}: {row.Tally.Lookups:N0} lookups in {row.Wall.TotalSeconds:0.00} s wall");

    private static List<ChordNode> Shuffled(IReadOnlyList<ChordNode> nodes, Random random)
    {
        var copy = nodes.ToList();
        for (var i = copy.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy;
    }
}
