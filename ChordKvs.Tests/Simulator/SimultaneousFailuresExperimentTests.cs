using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class SimultaneousFailuresExperimentTests
{
    [Test]
    public void With_r_of_twice_log2_n_no_lookup_fails_after_20_percent_of_the_nodes_fail_at_once()
    {
        var options = new SimultaneousFailuresOptions { Nodes = 1_000, Lookups = 2_000, Fractions = [0.2] };
        Assert.That(options.EffectiveSuccessorListLength, Is.EqualTo(20), "2 log2 1000 rounds to 20, the paper's r");

        var row = SimultaneousFailuresExperiment.Measure(options, seed: 2, ProgressReporter.Silent).Single();

        Assert.That(row.FailedNodes, Is.EqualTo(200));
        Assert.That(row.Tally.Lookups, Is.EqualTo(2_000));
        Assert.That(row.Tally.Failures, Is.Zero, "no lookup may fail; first failures: " + string.Join(" | ", row.Tally.Examples));
        Assert.That(row.Tally.Timeouts.Mean, Is.GreaterThan(0), "with stabilization stopped, lookups must run into dead nodes");
        Assert.That(row.Tally.RawDead, Is.GreaterThan(0), "some raw answers name a dead node, which the client falls back over");
    }

    [Test]
    public void Without_failures_there_are_no_timeouts_and_more_failures_cost_more_timeouts()
    {
        var options = new SimultaneousFailuresOptions { Nodes = 300, Lookups = 1_000, Fractions = [0, 0.25, 0.5] };

        var rows = SimultaneousFailuresExperiment.Measure(options, seed: 4, ProgressReporter.Silent);

        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Tally.Timeouts.Max, Is.Zero, "a ring without failures has no timeouts");
            Assert.That(rows[0].Tally.Failures, Is.Zero);
            Assert.That(rows[1].Tally.Timeouts.Mean, Is.GreaterThan(rows[0].Tally.Timeouts.Mean));
            Assert.That(rows[2].Tally.Timeouts.Mean, Is.GreaterThan(rows[1].Tally.Timeouts.Mean), "half the nodes failing costs more timeouts than a quarter");
            Assert.That(rows.Sum(row => row.Tally.Failures), Is.Zero, "with r = 2 log2 N every lookup resolves; first failures: " + string.Join(" | ", rows.SelectMany(row => row.Tally.Examples)));
        });
    }
}
