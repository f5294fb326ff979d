using System.Globalization;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Lookups while nodes join and depart (Chord ToN 2003 §V-E, Table III): about 1,000 nodes, joins and departures
/// each Poisson at rate R from 0.05 to 0.40 per second, maintenance every 30 s on average, one lookup per second;
/// failed lookups per 10,000, path length and timeouts.
/// </summary>
internal static class ChurnExperiment
{
    /// <summary>The command-line name.</summary>
    public const string Name = "churn";

    /// <summary>Runs one ring per rate.</summary>
    public static IReadOnlyList<ChurnRow> Measure(ChurnOptions options, int seed, ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var rows = new List<ChurnRow>();
        foreach (var departure in options.Departures)
        {
            for (var part = 0; part < options.Rates.Count; part++)
            {
                var row = ChurnRun.Run(options, departure, options.Rates[part], Seeds.For(seed, part), progress);
                rows.Add(row);
                progress.Say(string.Create(CultureInfo.InvariantCulture, $"churn ({departure}): rate {row.Rate:0.00}: {row.Tally.Failures} of {row.Tally.Lookups:N0} lookups failed ({row.Tally.RawFailures} raw), {row.Tally.Hops.Mean:0.00} hops, {row.Tally.Timeouts.Mean:0.00} timeouts, {row.FinalNodes} nodes at the end, {row.Wall.TotalSeconds:0} s wall"));
            }
        }

        return rows;
    }

    /// <summary>Runs the experiment and lays out its table and chart.</summary>
    public static ExperimentReport Run(ChurnOptions options, int seed, ProgressReporter progress) =>
        Report(Measure(options, seed, progress), options);

    /// <summary>The table and chart of measured rows.</summary>
    public static ExperimentReport Report(IReadOnlyList<ChurnRow> rows, ChurnOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var table = new ResultTable(
            "departures", "rate per s", "per stab. period", "lookups", "failed", "failed per 10k", "raw failed per 10k", "mean hops", "p1 hops", "p99 hops",
            "mean timeouts", "p1 timeouts", "p99 timeouts", "redirects", "continuations", "joins", "failed joins", "departures", "nodes at end", "abandoned",
            "paper failed per 10k", "paper mean path (p1, p99)", "paper mean timeouts (p1, p99)");
        foreach (var row in rows)
        {
            var tally = row.Tally;
            var paper = PaperValues.ChurnAt(row.Rate);
            table.Add(
                Describe(row.Departure), row.Rate.ToString("0.00", CultureInfo.InvariantCulture), (row.Rate * options.StabilizePeriod.TotalSeconds).ToString("0.##", CultureInfo.InvariantCulture),
                tally.Lookups, tally.Failures, tally.FailuresPer10000, tally.RawFailuresPer10000, tally.Hops.Mean, tally.Hops.Percentile(1), tally.Hops.Percentile(99),
                tally.Timeouts.Mean, tally.Timeouts.Percentile(1), tally.Timeouts.Percentile(99), tally.Redirects, tally.Continuations,
                row.Joins, row.FailedJoins, row.Departures, row.FinalNodes, row.Abandoned,
                paper?.FailuresPer10000,
                paper is null ? null : string.Create(CultureInfo.InvariantCulture, $"{paper.PathLength:0.00} ({paper.PathP1}, {paper.PathP99})"),
                paper is null ? null : string.Create(CultureInfo.InvariantCulture, $"{paper.Timeouts:0.00} ({paper.TimeoutsP1}, {paper.TimeoutsP99})"));
        }

        var maxRate = rows.Select(row => row.Rate).DefaultIfEmpty(0.4).Max();
        var axis = new ChartAxis("Node join and departure rate (per second, each)", 0, maxRate + 0.05, [.. rows.Select(row => (row.Rate, row.Rate.ToString("0.00", CultureInfo.InvariantCulture)))]);
        var paperRows = rows.Select(row => row.Rate).Distinct().Select(PaperValues.ChurnAt).OfType<PaperValues.TableThreeRow>().ToList();
        var chart = new SvgChart("Failed lookups under churn (cf. ToN Table III)", axis, "Failed lookups per 10,000")
            .Add(new ChartSeries("paper (ToN Table III)", [.. paperRows.Select(row => new ChartPoint(row.Rate, row.FailuresPer10000))], "#888888", Dashed: true));
        string[] colors = ["#1f77b4", "#ff7f0e"];
        foreach (var (departure, index) in options.Departures.Select((departure, index) => (departure, index)))
        {
            chart.Add(new ChartSeries(
                "ours, " + Describe(departure),
                [.. rows.Where(row => row.Departure == departure).Select(row => new ChartPoint(row.Rate, row.Tally.FailuresPer10000))],
                colors[index % colors.Length]));
        }

        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{options.Nodes:N0} nodes at the start (stable), successor list r = {options.EffectiveSuccessorListLength}; joins and departures (failures: crashes; leaves: graceful) each Poisson at the rate; stabilize, fix_fingers and check_predecessor every {options.StabilizePeriod.TotalSeconds:0.##} s on average (uniform 0.5 to 1.5 periods)."),
            string.Create(CultureInfo.InvariantCulture, $"Lookups Poisson at {options.LookupRate:0.##} per second from random members to random identifiers, counted over {options.Duration.TotalSeconds:0} s after a {options.WarmUp.TotalSeconds:0} s warm-up."),
            "failed: the lookup threw, or the node the client settled on is not the key's successor among the members when the lookup ended. raw failed: the first node the lookup itself returned was not.",
            "hops: nodes that answered a lookup step; timeouts: dead nodes contacted by the lookup and the client. abandoned: the asking node departed before its lookup ended (not counted).",
            "Paper: ToN 2003 Table III (about 1,000 nodes, r = 20, stabilization every 30 s on average, one lookup per second).",
        };
        notes.AddRange(rows.SelectMany(row => row.Tally.Examples.Take(3).Select(example => string.Create(CultureInfo.InvariantCulture, $"example failure ({Describe(row.Departure)}) at rate {row.Rate:0.00}: {example}"))));
        if (rows.Any(row => row.MaintenanceFailures > 0))
        {
            notes.Add("maintenance rounds failed unexpectedly: " + string.Join(", ", rows.Select(row => string.Create(CultureInfo.InvariantCulture, $"{Describe(row.Departure)} {row.Rate:0.00}: {row.MaintenanceFailures}"))));
        }

        return new ExperimentReport(Name, [new ReportPart(Name, "Lookups under churn (Chord ToN Table III)", table, chart, notes)], [.. rows.Select(Timing)]);
    }

    private static string Describe(Departure departure) => departure == Departure.Fail ? "failures" : "leaves";

    private static string Timing(ChurnRow row) =>
        string.Create(CultureInfo.InvariantCulture, $"churn ({Describe(row.Departure)}): rate {row.Rate:0.00}: {row.Messages:N0} messages in {row.Wall.TotalSeconds:0.0} s wall");
}
