namespace ChordKvs.Host.Simulator;

/// <summary>
/// The numbers the Chord papers report, printed beside ours. Sources: Stoica et al., "Chord: A Scalable
/// Peer-to-peer Lookup Service for Internet Applications", SIGCOMM 2001, §6 (Fig. 8-12); and the extended version,
/// "Chord: A Scalable Peer-to-peer Lookup Protocol for Internet Applications", IEEE/ACM Transactions on Networking
/// 11(1), 2003, §V (Table II, Table III). docs/simulation.md says how each was obtained: the SIGCOMM figures were
/// read from the paper's text; the ToN tables were entered from recollection of the published tables and have not
/// been checked against the paper's text, so check them before relying on them.
/// </summary>
internal static class PaperValues
{
    /// <summary>One row of ToN Table II: a lookup right after a fraction of 1,000 nodes (r = 20) failed at once.</summary>
    /// <param name="Fraction">The fraction of nodes failed.</param>
    /// <param name="PathLength">Mean path length.</param>
    /// <param name="PathP1">Its 1st percentile.</param>
    /// <param name="PathP99">Its 99th percentile.</param>
    /// <param name="Timeouts">Mean timeouts per lookup.</param>
    /// <param name="TimeoutsP1">Its 1st percentile.</param>
    /// <param name="TimeoutsP99">Its 99th percentile.</param>
    internal sealed record TableTwoRow(double Fraction, double PathLength, int PathP1, int PathP99, double Timeouts, int TimeoutsP1, int TimeoutsP99);

    /// <summary>One row of ToN Table III: lookups on about 1,000 nodes (r = 20) while nodes join and leave at a rate.</summary>
    /// <param name="Rate">Joins and departures per second (each).</param>
    /// <param name="PathLength">Mean path length.</param>
    /// <param name="PathP1">Its 1st percentile.</param>
    /// <param name="PathP99">Its 99th percentile.</param>
    /// <param name="Timeouts">Mean timeouts per lookup.</param>
    /// <param name="TimeoutsP1">Its 1st percentile.</param>
    /// <param name="TimeoutsP99">Its 99th percentile.</param>
    /// <param name="FailuresPer10000">Failed lookups per 10,000.</param>
    internal sealed record TableThreeRow(double Rate, double PathLength, int PathP1, int PathP99, double Timeouts, int TimeoutsP1, int TimeoutsP99, int FailuresPer10000);

    /// <summary>ToN 2003 Table II, by fraction of failed nodes.</summary>
    public static IReadOnlyList<TableTwoRow> SimultaneousFailures { get; } =
    [
        new(0.0, 3.84, 2, 5, 0.00, 0, 0),
        new(0.1, 4.03, 2, 6, 0.60, 0, 2),
        new(0.2, 4.22, 2, 6, 1.17, 0, 3),
        new(0.3, 4.44, 2, 6, 2.02, 0, 5),
        new(0.4, 4.69, 2, 7, 3.23, 0, 8),
        new(0.5, 5.09, 3, 8, 5.10, 0, 11),
    ];

    /// <summary>ToN 2003 Table III, by join and leave rate per second.</summary>
    public static IReadOnlyList<TableThreeRow> Churn { get; } =
    [
        new(0.05, 3.90, 1, 9, 0.05, 0, 2, 0),
        new(0.10, 3.83, 1, 9, 0.11, 0, 2, 0),
        new(0.15, 3.84, 1, 9, 0.17, 0, 3, 2),
        new(0.20, 3.81, 1, 9, 0.23, 0, 3, 5),
        new(0.25, 3.83, 1, 9, 0.30, 0, 3, 6),
        new(0.30, 3.91, 1, 9, 0.34, 0, 4, 8),
        new(0.35, 3.94, 1, 10, 0.42, 0, 4, 16),
        new(0.40, 4.06, 1, 10, 0.46, 0, 5, 15),
    ];

    /// <summary>
    /// SIGCOMM 2001 §6.2 on Fig. 9: with r virtual nodes per node the 1st and 99th percentiles of keys per node,
    /// as multiples of the mean. The text gives them for r = 1 (0 and 4.8) and r = 20 (0.5 and 1.6) only.
    /// </summary>
    public static (double? Low, double? High) VirtualNodeSpread(int virtualNodes) => virtualNodes switch
    {
        1 => (0.0, 4.8),
        20 => (0.5, 1.6),
        _ => (null, null),
    };

    /// <summary>The Table II row for a fraction, if the paper has one.</summary>
    public static TableTwoRow? FailuresAt(double fraction) => SimultaneousFailures.FirstOrDefault(row => Math.Abs(row.Fraction - fraction) < 1e-9);

    /// <summary>The Table III row for a rate, if the paper has one.</summary>
    public static TableThreeRow? ChurnAt(double rate) => Churn.FirstOrDefault(row => Math.Abs(row.Rate - rate) < 1e-9);
}
