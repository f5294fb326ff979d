namespace ChordKvs.Host.Simulator;

/// <summary>
/// Settings of the path-length experiment (Chord SIGCOMM 2001 §6.3, Fig. 10; ToN 2003 §V-C): rings of
/// N = 2^k stable nodes, 100·N lookups of random identifiers from random nodes each.
/// </summary>
internal sealed record PathLengthOptions
{
    /// <summary>The smallest ring is 2^MinExponent nodes. Default 3, as in the paper.</summary>
    public int MinExponent { get; init; } = 3;

    /// <summary>The largest ring is 2^MaxExponent nodes. Default 14, as in the paper.</summary>
    public int MaxExponent { get; init; } = 14;

    /// <summary>Lookups per node of the ring. Default 100: the paper stores 100·N keys and each node queries random ones.</summary>
    public int LookupsPerNode { get; init; } = 100;

    /// <summary>
    /// The successor list length r. Default 8, ChordKvs's own default; lookups use the list as well as the fingers,
    /// so a longer list shortens the last hops.
    /// </summary>
    public int SuccessorListLength { get; init; } = 8;

    /// <summary>How many lookups run at once. It changes neither the lookups nor their results, only speed: a few hundred keep the event queue and the working set small. Default 500.</summary>
    public int Concurrency { get; init; } = 500;

    /// <summary>Reads the options from the command line.</summary>
    public static PathLengthOptions From(SimulationArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var defaults = new PathLengthOptions();
        var options = new PathLengthOptions
        {
            MinExponent = arguments.GetInt("min-exponent", defaults.MinExponent, 1, 20),
            MaxExponent = arguments.GetInt("max-exponent", defaults.MaxExponent, 1, 20),
            LookupsPerNode = arguments.GetInt("lookups-per-node", defaults.LookupsPerNode, 1, 10_000),
            SuccessorListLength = arguments.GetInt("successors", defaults.SuccessorListLength, 1, 64),
            Concurrency = arguments.GetInt("concurrency", defaults.Concurrency, 1, 10_000_000),
        };
        return options.MinExponent <= options.MaxExponent
            ? options
            : throw new UsageException($"--min-exponent ({options.MinExponent}) must not exceed --max-exponent ({options.MaxExponent}).");
    }
}
