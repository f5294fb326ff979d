namespace ChordKvs.Host.Simulator;

/// <summary>
/// Settings of the load-balance experiment (Chord SIGCOMM 2001 §6.2, Fig. 8 and 9): keys per node on a ring of
/// 10^4 nodes as the number of keys grows, and keys per physical node when each runs several virtual nodes.
/// </summary>
internal sealed record LoadBalanceOptions
{
    /// <summary>Physical nodes. Default 10^4, as in the paper.</summary>
    public int Nodes { get; init; } = 10_000;

    /// <summary>The smallest number of keys (Fig. 8). Default 10^5.</summary>
    public int MinKeys { get; init; } = 100_000;

    /// <summary>The largest number of keys (Fig. 8). Default 10^6.</summary>
    public int MaxKeys { get; init; } = 1_000_000;

    /// <summary>The step between key counts (Fig. 8). Default 10^5.</summary>
    public int KeyStep { get; init; } = 100_000;

    /// <summary>Independent placements per setting; the percentiles pool all of them. Default 20, as in the paper.</summary>
    public int Repetitions { get; init; } = 20;

    /// <summary>Virtual nodes per physical node compared in Fig. 9. Default 1, 2, 5, 10, 20.</summary>
    public IReadOnlyList<int> VirtualNodes { get; init; } = [1, 2, 5, 10, 20];

    /// <summary>Keys placed in the virtual-node comparison (Fig. 9). Default 10^6.</summary>
    public int VirtualNodeKeys { get; init; } = 1_000_000;

    /// <summary>Reads the options from the command line.</summary>
    public static LoadBalanceOptions From(SimulationArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var defaults = new LoadBalanceOptions();
        var options = new LoadBalanceOptions
        {
            Nodes = arguments.GetInt("nodes", defaults.Nodes, 1, 1_000_000),
            MinKeys = arguments.GetInt("min-keys", defaults.MinKeys, 1, 100_000_000),
            MaxKeys = arguments.GetInt("max-keys", defaults.MaxKeys, 1, 100_000_000),
            KeyStep = arguments.GetInt("key-step", defaults.KeyStep, 1, 100_000_000),
            Repetitions = arguments.GetInt("repetitions", defaults.Repetitions, 1, 1000),
            VirtualNodes = arguments.GetInts("virtual-nodes", defaults.VirtualNodes, 1, 1000),
            VirtualNodeKeys = arguments.GetInt("virtual-node-keys", defaults.VirtualNodeKeys, 1, 100_000_000),
        };
        return options.MinKeys <= options.MaxKeys
            ? options
            : throw new UsageException($"--min-keys ({options.MinKeys}) must not exceed --max-keys ({options.MaxKeys}).");
    }
}
