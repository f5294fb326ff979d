using System.Collections.Immutable;

namespace ChordKvs.Tests.Chaos;

/// <summary>What one chaos run did and found.</summary>
public sealed record ChaosReport(
    int Seed,
    ImmutableArray<ChaosFault> Faults,
    int FaultsApplied,
    int AcknowledgedWrites,
    int AcknowledgedReads,
    IReadOnlyList<ChaosViolation> Violations)
{
    /// <summary>Whether the run broke any promise.</summary>
    public bool Failed => Violations.Count > 0;

    /// <summary>How many violations are of <paramref name="kind"/>.</summary>
    public int Count(ViolationKind kind) => Violations.Count(violation => violation.Kind == kind);
}
