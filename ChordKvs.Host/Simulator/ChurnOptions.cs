namespace ChordKvs.Host.Simulator;

/// <summary>
/// Settings of the churn experiment (Chord ToN 2003 §V-E, Table III; SIGCOMM 2001 §6.5, Fig. 12): about 1,000 nodes,
/// joins and departures each a Poisson process of rate R, maintenance every 30 s on average, lookups at one per
/// second.
/// </summary>
internal sealed record ChurnOptions
{
    /// <summary>Nodes at the start. Default 1,000, as in ToN Table III.</summary>
    public int Nodes { get; init; } = 1_000;

    /// <summary>Join rates R per second (departures have the same rate). Default 0.05 to 0.40 in steps of 0.05, as in the paper.</summary>
    public IReadOnlyList<double> Rates { get; init; } = [0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40];

    /// <summary>Virtual time over which lookups are measured, after the warm-up. Default 2 hours, about what the paper averages over.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Virtual time of churn before lookups are counted, so the ring is measured in its churning state rather than the perfect start. Default 5 minutes (10 stabilization periods).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Mean period of stabilize, fix_fingers and check_predecessor at every node; each run waits a uniform 0.5 to 1.5 periods (15 to 45 s by default). Default 30 s, as in the paper.</summary>
    public TimeSpan StabilizePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lookups per second in the whole system, a Poisson process. Default 1, as in the paper.</summary>
    public double LookupRate { get; init; } = 1;

    /// <summary>Successor list length r; null means 2·log2 N rounded (20 for 1,000 nodes, as in the paper).</summary>
    public int? SuccessorListLength { get; init; }

    /// <summary>
    /// How nodes depart; each mode is a separate set of runs over all rates, with the same seeds so the modes are
    /// compared on the same rings and event draws. Default <see cref="Departure.Fail"/> only.
    /// </summary>
    public IReadOnlyList<Departure> Departures { get; init; } = [Departure.Fail];

    /// <summary>The successor list length in effect.</summary>
    public int EffectiveSuccessorListLength => SuccessorListLength ?? SimultaneousFailuresOptions.TwiceLog2(Nodes);

    /// <summary>Reads the options from the command line.</summary>
    public static ChurnOptions From(SimulationArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var defaults = new ChurnOptions();
        var successors = arguments.GetInt("successors", 0, 0, 64);
        var departures = arguments.GetString("departures", "fail").Split(',', StringSplitOptions.TrimEntries).Select(mode => mode switch
        {
            "fail" => Departure.Fail,
            "leave" => Departure.Leave,
            _ => throw new UsageException($"--departures takes fail, leave or fail,leave, not '{mode}'."),
        }).Distinct().ToList();
        return new ChurnOptions
        {
            Nodes = arguments.GetInt("nodes", defaults.Nodes, 2, 100_000),
            Rates = arguments.GetDoubles("rates", defaults.Rates, 0, 100),
            Duration = TimeSpan.FromSeconds(arguments.GetDouble("duration", defaults.Duration.TotalSeconds, 1, 1e7)),
            WarmUp = TimeSpan.FromSeconds(arguments.GetDouble("warm-up", defaults.WarmUp.TotalSeconds, 0, 1e7)),
            StabilizePeriod = TimeSpan.FromSeconds(arguments.GetDouble("stabilize", defaults.StabilizePeriod.TotalSeconds, 0.01, 1e5)),
            LookupRate = arguments.GetDouble("lookup-rate", defaults.LookupRate, 0.001, 1e5),
            SuccessorListLength = successors == 0 ? null : successors,
            Departures = departures,
        };
    }
}
