namespace ChordKvs.Host.Simulator;

/// <summary>
/// Settings of the simultaneous-failures experiment (Chord ToN 2003 §V-D, Table II): a stable ring of 1,000 nodes
/// with successor lists of 2·log2 N, a fraction of nodes failing at once with stabilization stopped, then random
/// lookups.
/// </summary>
internal sealed record SimultaneousFailuresOptions
{
    /// <summary>Nodes before the failures. Default 1,000, as in the paper.</summary>
    public int Nodes { get; init; } = 1_000;

    /// <summary>Successor list length r; null means 2·log2 N rounded (20 for 1,000 nodes, as in the paper).</summary>
    public int? SuccessorListLength { get; init; }

    /// <summary>Lookups after the failures, per fraction. Default 10,000, as in the paper.</summary>
    public int Lookups { get; init; } = 10_000;

    /// <summary>Fractions of nodes that fail. Default 0 to 0.5 in steps of 0.1, as in the paper.</summary>
    public IReadOnlyList<double> Fractions { get; init; } = [0, 0.1, 0.2, 0.3, 0.4, 0.5];

    /// <summary>The successor list length in effect.</summary>
    public int EffectiveSuccessorListLength => SuccessorListLength ?? TwiceLog2(Nodes);

    /// <summary>2·log2 <paramref name="nodes"/>, rounded, at least 1.</summary>
    public static int TwiceLog2(int nodes) => Math.Max(1, (int)Math.Round(2 * Math.Log2(Math.Max(2, nodes))));

    /// <summary>Reads the options from the command line.</summary>
    public static SimultaneousFailuresOptions From(SimulationArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var defaults = new SimultaneousFailuresOptions();
        var successors = arguments.GetInt("successors", 0, 0, 64);
        return new SimultaneousFailuresOptions
        {
            Nodes = arguments.GetInt("nodes", defaults.Nodes, 2, 1_000_000),
            SuccessorListLength = successors == 0 ? null : successors,
            Lookups = arguments.GetInt("lookups", defaults.Lookups, 1, 100_000_000),
            Fractions = arguments.GetDoubles("fractions", defaults.Fractions, 0, 0.99),
        };
    }
}
