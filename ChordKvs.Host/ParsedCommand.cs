namespace ChordKvs.Host;

/// <summary>What the command line asks <c>chordkvs</c> to do.</summary>
internal abstract record ParsedCommand
{
    /// <summary>Print usage: of the tool (<see cref="Command"/> null) or of one command.</summary>
    public sealed record Help(string? Command) : ParsedCommand;

    /// <summary>Run one node; <see cref="Settings"/> are configuration keys that override appsettings.json and the environment.</summary>
    public sealed record Node(IReadOnlyDictionary<string, string?> Settings) : ParsedCommand;

    /// <summary>
    /// Run a local cluster of <see cref="Nodes"/> nodes on consecutive ports from <see cref="BasePort"/> (0: any free
    /// ports), each running <see cref="VirtualNodes"/> ring members.
    /// </summary>
    public sealed record Demo(int Nodes, int BasePort, int VirtualNodes = 1) : ParsedCommand;

    /// <summary>Run a simulator experiment; <see cref="Arguments"/> are everything after <c>simulate</c>, which the simulator parses itself.</summary>
    public sealed record Simulate(IReadOnlyList<string> Arguments) : ParsedCommand;

    /// <summary>Run the load generator, or the store's memory measurement.</summary>
    public sealed record Bench(ChordKvs.Host.Bench.BenchOptions Options) : ParsedCommand;

    /// <summary>The command line is wrong; <see cref="Command"/> names the command whose usage to show, if known.</summary>
    public sealed record Error(string Message, string? Command) : ParsedCommand;
}
