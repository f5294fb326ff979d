using System.Globalization;

namespace ChordKvs.Tests.Chaos;

/// <summary>
/// Random fault schedules against a replicated cluster under client load; see <see cref="ChaosRun"/> and
/// <see cref="LastWriterWinsChecker"/>. <c>dotnet test</c> runs a fixed set of seeds; set
/// <c>CHORDKVS_CHAOS_SEEDS=2000</c> to run more, or <c>CHORDKVS_CHAOS_SEED=n</c> to replay one.
/// </summary>
[Category("Chaos")]
public class ChaosTests
{
    private const int DefaultSeeds = 30;

    [Test]
    public void Random_crashes_restarts_joins_leaves_partitions_loss_and_delay_lose_no_acknowledged_write()
    {
        var settings = new ChaosSettings();
        var seeds = SeedsToRun();
        var totals = new Totals();
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            var report = ChaosRun.Execute(seed, settings);
            totals.Add(report);
            if (seeds.Count > DefaultSeeds && totals.Seeds % 100 == 0)
            {
                // Long runs report as they go, so that a run cut short still shows its figures.
                TestContext.Progress.WriteLine(totals.ToString());
            }

            if (report.Failed)
            {
                failures.Add(ChaosShrinker.Describe(report, ChaosShrinker.Shrink(report, settings)));
                if (failures.Count >= 3)
                {
                    break;
                }
            }
        }

        TestContext.Out.WriteLine(totals.ToString());
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures) + "\n" + totals);
    }

    private static IReadOnlyList<int> SeedsToRun()
    {
        if (Environment.GetEnvironmentVariable("CHORDKVS_CHAOS_SEED") is { Length: > 0 } one)
        {
            return [int.Parse(one, CultureInfo.InvariantCulture)];
        }

        var count = Environment.GetEnvironmentVariable("CHORDKVS_CHAOS_SEEDS") is { Length: > 0 } many
            ? int.Parse(many, CultureInfo.InvariantCulture)
            : DefaultSeeds;
        return [.. Enumerable.Range(1, count)];
    }

    private sealed class Totals
    {
        private int _faults;
        private int _writes;
        private int _reads;
        private int _lost;
        private int _resurrected;
        private int _invented;
        private int _other;

        public int Seeds { get; private set; }

        public void Add(ChaosReport report)
        {
            Seeds++;
            _faults += report.FaultsApplied;
            _writes += report.AcknowledgedWrites;
            _reads += report.AcknowledgedReads;
            _lost += report.Count(ViolationKind.LostWrite);
            _resurrected += report.Count(ViolationKind.ResurrectedDelete);
            _invented += report.Count(ViolationKind.InventedValue);
            _other += report.Count(ViolationKind.Ring) + report.Count(ViolationKind.Replication);
        }

        public override string ToString() =>
            $"chaos: {Seeds} seeds, {_faults} faults injected, {_writes} acknowledged writes and {_reads} reads checked; " +
            $"lost writes {_lost}, resurrected deletes {_resurrected}, invented values {_invented}, ring/replication errors {_other}";
    }
}
