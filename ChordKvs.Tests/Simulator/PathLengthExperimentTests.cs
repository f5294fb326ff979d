using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class PathLengthExperimentTests
{
    [Test]
    public void Hops_grow_with_log_n_and_stay_within_half_log2_n()
    {
        var options = new PathLengthOptions { MinExponent = 3, MaxExponent = 9, LookupsPerNode = 20 };

        var rows = PathLengthExperiment.Measure(options, seed: 5, ProgressReporter.Silent);

        Assert.That(rows.Select(row => row.Nodes), Is.EqualTo(new[] { 8, 16, 32, 64, 128, 256, 512 }));
        Assert.Multiple(() =>
        {
            foreach (var row in rows)
            {
                Assert.That(row.Failed, Is.Zero, $"no lookup may fail on a stable ring of {row.Nodes}");
                Assert.That(row.Wrong, Is.Zero, $"every lookup on a stable ring of {row.Nodes} must find the oracle's successor");
                Assert.That(row.Hops.Count, Is.EqualTo(20L * row.Nodes), $"N = {row.Nodes} runs 20 lookups per node");
                Assert.That(row.Hops.Mean, Is.LessThanOrEqualTo(row.HalfLog2 + 0.5), $"mean hops at N = {row.Nodes} should be at most half log2 N + 0.5");
            }

            for (var i = 1; i < rows.Count; i++)
            {
                Assert.That(rows[i].Hops.Mean, Is.GreaterThan(rows[i - 1].Hops.Mean + 0.25), $"doubling N from {rows[i - 1].Nodes} to {rows[i].Nodes} should add about half a hop");
            }
        });
    }

    [Test]
    public void The_report_has_one_row_per_ring_size_and_a_chart_with_the_paper_line()
    {
        var options = new PathLengthOptions { MinExponent = 3, MaxExponent = 5, LookupsPerNode = 5 };

        var report = PathLengthExperiment.Run(options, seed: 1, ProgressReporter.Silent);

        var part = report.Parts.Single();
        Assert.That(part.Table.Rows, Has.Count.EqualTo(3));
        Assert.That(part.Table.Rows.Select(row => row[0]), Is.EqualTo(new[] { "3", "4", "5" }));
        Assert.That(part.Chart.Series.Select(series => series.Name), Does.Contain("1/2 log2 N (paper)"));
    }
}
