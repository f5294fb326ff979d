using System.Collections.Immutable;

namespace ChordKvs.Tests.Chaos;

/// <summary>
/// Makes a failing schedule small: runs are deterministic, so the same seed is re-run with subsets of the faults
/// (halves, then quarters, down to single faults, as delta debugging does) and any subset that still fails is kept.
/// </summary>
public static class ChaosShrinker
{
    /// <summary>The smallest failing schedule found, and its report; at most <paramref name="maxRuns"/> re-runs.</summary>
    public static ChaosReport Shrink(ChaosReport failing, ChaosSettings settings, int maxRuns = 60)
    {
        ArgumentNullException.ThrowIfNull(failing);
        var best = failing;
        var runs = 0;
        var chunk = Math.Max(1, best.Faults.Length / 2);
        while (chunk >= 1 && runs < maxRuns)
        {
            var removedAny = false;
            for (var start = 0; start < best.Faults.Length && runs < maxRuns; start += chunk)
            {
                var candidate = best.Faults.RemoveRange(start, Math.Min(chunk, best.Faults.Length - start));
                runs++;
                var report = ChaosRun.Execute(best.Seed, settings, candidate);
                if (report.Failed)
                {
                    best = report;
                    removedAny = true;
                    start -= chunk;
                }
            }

            if (!removedAny)
            {
                chunk /= 2;
            }
        }

        return best;
    }

    /// <summary>A failure message: the seed, the shrunk schedule and its violations, and how to replay it.</summary>
    public static string Describe(ChaosReport original, ChaosReport shrunk)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(shrunk);
        return $"""
            Chaos seed {original.Seed} failed with {original.Violations.Count} violation(s) over {original.Faults.Length} faults.
            Replay: CHORDKVS_CHAOS_SEED={original.Seed} dotnet test ChordKvs.Tests --filter Chaos
            Shrunk to {shrunk.Faults.Length} fault(s), still failing:
              {string.Join("\n  ", shrunk.Faults)}
            Violations of the shrunk run:
              {string.Join("\n  ", shrunk.Violations.Take(10))}
            """;
    }

    /// <summary>Shrinks <paramref name="faults"/> only if needed; exposed for replaying a printed schedule.</summary>
    public static ChaosReport Replay(int seed, ChaosSettings settings, IEnumerable<ChaosFault> faults) =>
        ChaosRun.Execute(seed, settings, [.. faults]);
}
