using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class ChurnExperimentTests
{
    [Test]
    public void Lookups_keep_finding_the_live_successor_while_nodes_join_and_fail()
    {
        var options = new ChurnOptions { Nodes = 200, Rates = [0.2], Duration = TimeSpan.FromMinutes(15), WarmUp = TimeSpan.FromMinutes(2) };

        var row = ChurnExperiment.Measure(options, seed: 6, ProgressReporter.Silent).Single();

        Assert.Multiple(() =>
        {
            Assert.That(row.Tally.Lookups, Is.InRange(700, 1_100), "about one lookup per second over 15 minutes");
            Assert.That(row.Joins, Is.GreaterThan(100), "joins at 0.2 per second over 17 minutes");
            Assert.That(row.Departures, Is.GreaterThan(100), "failures at 0.2 per second over 17 minutes");
            Assert.That(row.MaintenanceFailures, Is.Zero, "no maintenance round may fail unexpectedly");
            Assert.That(row.Tally.RawFailures, Is.GreaterThan(0), "under churn some raw answers are stale");
            Assert.That(row.Tally.FailuresPer10000, Is.LessThanOrEqualTo(50), "the client check should leave well under 0.5% of lookups failed; first failures: " + string.Join(" | ", row.Tally.Examples));
        });
    }

    [Test]
    public void Graceful_leaves_are_supported_as_departures()
    {
        var options = new ChurnOptions { Nodes = 100, Rates = [0.2], Duration = TimeSpan.FromMinutes(5), WarmUp = TimeSpan.FromMinutes(1), Departures = [Departure.Leave] };

        var row = ChurnExperiment.Measure(options, seed: 8, ProgressReporter.Silent).Single();

        Assert.That(row.Departures, Is.GreaterThan(20));
        Assert.That(row.MaintenanceFailures, Is.Zero);
        Assert.That(row.Tally.FailuresPer10000, Is.LessThanOrEqualTo(100), "first failures: " + string.Join(" | ", row.Tally.Examples));
    }

    [Test]
    public void Both_departure_modes_share_one_paper_line_in_the_chart()
    {
        var options = new ChurnOptions { Nodes = 50, Rates = [0.05, 0.1], Duration = TimeSpan.FromMinutes(2), WarmUp = TimeSpan.Zero, Departures = [Departure.Fail, Departure.Leave] };

        var report = ChurnExperiment.Run(options, seed: 3, ProgressReporter.Silent);

        var chart = report.Parts.Single().Chart;
        Assert.That(chart.Series.Select(series => series.Name), Is.EqualTo(new[] { "paper (ToN Table III)", "ours, failures", "ours, leaves" }));
        Assert.That(chart.Series[0].Points.Select(point => point.X), Is.EqualTo(new[] { 0.05, 0.1 }), "the paper's points appear once each, not once per departure mode");
        Assert.That(report.Parts.Single().Table.Rows, Has.Count.EqualTo(4), "one row per departure mode and rate");
    }
}
