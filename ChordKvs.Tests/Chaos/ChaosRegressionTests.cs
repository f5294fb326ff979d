using System.Collections.Immutable;

namespace ChordKvs.Tests.Chaos;

/// <summary>Shrunk schedules of chaos runs that once failed, replayed so that the bugs they found stay fixed.</summary>
[Category("Chaos")]
public class ChaosRegressionTests
{
    private static readonly ChaosSettings Settings = new();

    [Test]
    public void A_healed_partition_merges_the_two_rings_its_sides_formed()
    {
        // Seed 4: the two sides of an 8-second partition each stabilized into a ring of their own, and nothing
        // brought them together after the heal (found before nodes probed remembered peers).
        ImmutableArray<ChaosFault> faults =
        [
            new(TimeSpan.FromSeconds(1.111), FaultKind.Leave, ["sim://kv-0"]),
            new(TimeSpan.FromSeconds(8.753), FaultKind.Partition, ["sim://kv-1", "sim://kv-2", "sim://kv-6"], TimeSpan.FromSeconds(8)),
        ];

        var report = ChaosRun.Execute(4, Settings, faults);

        Assert.That(report.FaultsApplied, Is.EqualTo(2), "both faults fired");
        Assert.That(report.Violations, Is.Empty, "one ring, equal to the oracle, with every key on its replicas");
    }
}
