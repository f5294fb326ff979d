using System.Globalization;

namespace ChordKvs.Host;

/// <summary>
/// Parses <c>chordkvs</c> command lines. Options are <c>--name value</c> or <c>--name=value</c>; <c>-h</c> or
/// <c>--help</c> anywhere asks for the usage of the command it follows. Anything unknown is an error, never ignored.
/// </summary>
internal static class CommandLineParser
{
    /// <summary>The default number of nodes of <c>chordkvs demo</c>.</summary>
    public const int DefaultDemoNodes = 3;

    /// <summary>The default first port of <c>chordkvs demo</c>.</summary>
    public const int DefaultDemoBasePort = 7000;

    /// <summary>The most nodes <c>chordkvs demo</c> starts: it is a local demonstration, not a load test.</summary>
    public const int MaxDemoNodes = 32;

    /// <summary>The most virtual nodes a host runs (<c>VirtualNodes</c> of the node options).</summary>
    public const int MaxVirtualNodes = 64;

    // node option → configuration key it sets (see ChordKvsNodeOptions).
    private static readonly Dictionary<string, string> NodeOptions = new(StringComparer.Ordinal)
    {
        ["--listen"] = "ListenAddress",
        ["--advertise"] = "AdvertisedAddress",
        ["--join"] = "JoinUrl",
        ["--secret"] = "ClusterSecret",
        ["--client-token"] = "ClientToken",
        ["--replicas"] = "Node:Replication:ReplicaCount",
        ["--seed"] = "RandomSeed",
        ["--vnodes"] = "VirtualNodes",
    };

    public static ParsedCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return new ParsedCommand.Error("No command given.", null);
        }

        var command = args[0];
        var rest = args.Skip(1).ToList();
        return command switch
        {
            "-h" or "--help" or "help" => rest.Count == 0 ? new ParsedCommand.Help(null) : HelpFor(rest[0]),
            "node" => ParseNode(rest),
            "demo" => ParseDemo(rest),
            "simulate" => new ParsedCommand.Simulate(rest),
            "bench" => Bench.BenchArguments.Parse(rest),
            _ => new ParsedCommand.Error($"Unknown command '{command}'.", null),
        };
    }

    private static ParsedCommand HelpFor(string command) => command is "node" or "demo" or "simulate" or "bench"
        ? new ParsedCommand.Help(command)
        : new ParsedCommand.Error($"Unknown command '{command}'.", null);

    private static ParsedCommand ParseNode(List<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in ReadOptions(args))
        {
            if (option.IsHelp)
            {
                return new ParsedCommand.Help("node");
            }

            if (!NodeOptions.TryGetValue(option.Name, out var key))
            {
                return new ParsedCommand.Error(Unknown(option.Name, "node"), "node");
            }

            if (option.Value is null)
            {
                return new ParsedCommand.Error($"{option.Name} needs a value.", "node");
            }

            var minimum = option.Name switch { "--replicas" or "--vnodes" => 1, "--seed" => 0, _ => -1 };
            if (minimum >= 0 && !(int.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum))
            {
                return new ParsedCommand.Error($"{option.Name} must be a whole number of at least {minimum}; got '{option.Value}'.", "node");
            }

            if (!settings.TryAdd(key, option.Value))
            {
                return new ParsedCommand.Error($"{option.Name} is given twice.", "node");
            }
        }

        return new ParsedCommand.Node(settings);
    }

    private static ParsedCommand ParseDemo(List<string> args)
    {
        var nodes = DefaultDemoNodes;
        var basePort = DefaultDemoBasePort;
        var virtualNodes = 1;
        foreach (var option in ReadOptions(args))
        {
            if (option.IsHelp)
            {
                return new ParsedCommand.Help("demo");
            }

            if (option.Name is not ("--nodes" or "--base-port" or "--vnodes"))
            {
                return new ParsedCommand.Error(Unknown(option.Name, "demo"), "demo");
            }

            if (!int.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return new ParsedCommand.Error($"{option.Name} needs a whole number; got '{option.Value}'.", "demo");
            }

            if (option.Name == "--nodes")
            {
                if (number is < 1 or > MaxDemoNodes)
                {
                    return new ParsedCommand.Error($"--nodes must be between 1 and {MaxDemoNodes}; got {number}.", "demo");
                }

                nodes = number;
            }
            else if (option.Name == "--vnodes")
            {
                if (number is < 1 or > MaxVirtualNodes)
                {
                    return new ParsedCommand.Error($"--vnodes must be between 1 and {MaxVirtualNodes}; got {number}.", "demo");
                }

                virtualNodes = number;
            }
            else
            {
                basePort = number;
            }
        }

        if (basePort != 0 && (basePort < 1024 || basePort + nodes - 1 > 65535))
        {
            return new ParsedCommand.Error($"--base-port must leave room for {nodes} ports between 1024 and 65535 (or be 0 for any free ports); got {basePort}.", "demo");
        }

        return new ParsedCommand.Demo(nodes, basePort, virtualNodes);
    }

    /// <summary>The error message for an argument <paramref name="command"/> does not know.</summary>
    internal static string Unknown(string argument, string command) =>
        argument.StartsWith('-') ? $"Unknown option '{argument}' for {command}." : $"Unexpected argument '{argument}' for {command}; options start with --.";

    private static bool IsHelp(string argument) => argument is "-h" or "--help";

    /// <summary>One option of a command line: <c>--name value</c>, <c>--name=value</c>, a flag (no value) or a help request.</summary>
    internal readonly record struct Option(string Name, string? Value, bool IsHelp);

    /// <summary>The options of <paramref name="args"/> in order; reading stops after a help request or a stray argument.</summary>
    internal static IEnumerable<Option> ReadOptions(List<string> args)
    {
        for (var index = 0; index < args.Count; index++)
        {
            var argument = args[index];
            if (IsHelp(argument))
            {
                yield return new Option(argument, null, true);
                yield break;
            }

            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                yield return new Option(argument, null, false);
                yield break;
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                yield return new Option(argument[..equals], argument[(equals + 1)..], false);
            }
            else if (index + 1 < args.Count && !args[index + 1].StartsWith("--", StringComparison.Ordinal))
            {
                yield return new Option(argument, args[++index], false);
            }
            else
            {
                yield return new Option(argument, null, false);
            }
        }
    }
}
