using System.Globalization;

namespace ChordKvs.Host.Bench;

/// <summary>Reads the command line of <c>chordkvs bench</c> into <see cref="BenchOptions"/>.</summary>
internal static class BenchArguments
{
    private const string Command = "bench";

    /// <summary>The most connections one run opens; more would only measure the generator's own scheduling.</summary>
    public const int MaxConnections = 10_000;

    /// <summary>Parses everything after <c>bench</c>.</summary>
    public static ParsedCommand Parse(List<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var targets = new List<Uri>();
        var duration = BenchOptions.DefaultDuration;
        var warmup = BenchOptions.DefaultWarmup;
        var connections = BenchOptions.DefaultConnections;
        int? keys = null;
        var valueSize = BenchOptions.DefaultValueSize;
        var mix = OperationMix.Default;
        double? zipf = null;
        string? json = null;
        var memory = false;
        var seed = 1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in CommandLineParser.ReadOptions(args))
        {
            if (option.IsHelp)
            {
                return new ParsedCommand.Help(Command);
            }

            if (!seen.Add(option.Name))
            {
                return Error($"{option.Name} is given twice.");
            }

            if (option.Name == "--memory")
            {
                if (option.Value is not null)
                {
                    return Error($"--memory takes no value; got '{option.Value}'.");
                }

                memory = true;
                continue;
            }

            if (option.Value is not { } value)
            {
                return option.Name.StartsWith("--", StringComparison.Ordinal) && IsKnown(option.Name)
                    ? Error($"{option.Name} needs a value.")
                    : Error(CommandLineParser.Unknown(option.Name, Command));
            }

            string? problem = option.Name switch
            {
                "--target" => ReadTargets(value, targets),
                "--duration" => ReadDuration(option.Name, value, allowZero: false, out duration),
                "--warmup" => ReadDuration(option.Name, value, allowZero: true, out warmup),
                "--connections" => ReadWhole(option.Name, value, 1, MaxConnections, out connections),
                "--keys" => ReadWhole(option.Name, value, 1, 100_000_000, out var keyCount) ?? Set(out keys, keyCount),
                "--value-size" => ReadWhole(option.Name, value, BenchOptions.MinValueSize, 1 << 20, out valueSize),
                "--mix" => ReadMix(value, out mix),
                "--zipf" => ReadZipf(value, out zipf),
                "--json" => value.Length == 0 ? "--json needs a file name." : Set(out json, value),
                "--seed" => ReadWhole(option.Name, value, 0, int.MaxValue, out seed),
                _ => CommandLineParser.Unknown(option.Name, Command),
            };
            if (problem is not null)
            {
                return Error(problem);
            }
        }

        if (!memory && targets.Count == 0)
        {
            return Error("--target is required: the base URL of one node or more, such as --target http://127.0.0.1:7000,http://127.0.0.1:7001.");
        }

        if (memory && targets.Count > 0)
        {
            return Error("--memory measures the store in this process; it takes no --target.");
        }

        if (!memory && connections < targets.Count)
        {
            return Error($"--connections must be at least the number of targets ({targets.Count}) so that every target gets one; got {connections}.");
        }

        return new ParsedCommand.Bench(new BenchOptions(
            targets, duration, warmup, connections, keys ?? (memory ? BenchOptions.DefaultMemoryKeys : BenchOptions.DefaultKeys),
            valueSize, mix, zipf, json, memory, seed));
    }

    /// <summary>Reads a duration: a number with the unit ms, s, m or h (a bare number is seconds).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value * scale > TimeSpan.FromDays(1).TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    private static bool IsKnown(string name) => name is "--target" or "--duration" or "--warmup" or "--connections" or "--keys"
        or "--value-size" or "--mix" or "--zipf" or "--json" or "--seed";

    private static ParsedCommand.Error Error(string message) => new(message, Command);

    private static string? Set<T>(out T target, T value)
    {
        target = value;
        return null;
    }

    private static string? ReadTargets(string value, List<Uri> targets)
    {
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                return $"--target takes absolute http:// or https:// base URLs separated by commas, such as http://127.0.0.1:7000; got '{part}'.";
            }

            // A trailing slash, so that kv/{key} resolves under a base URL with a path instead of replacing its last segment.
            targets.Add(uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/"));
        }

        return null;
    }

    private static string? ReadDuration(string name, string value, bool allowZero, out TimeSpan duration) =>
        TryParseDuration(value, out duration) && (allowZero || duration > TimeSpan.Zero)
            ? null
            : $"{name} must be a {(allowZero ? string.Empty : "positive ")}duration such as 500ms, 30s or 2m (at most a day); got '{value}'.";

    private static string? ReadWhole(string name, string value, int minimum, int maximum, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number >= minimum && number <= maximum
            ? null
            : $"{name} must be a whole number from {minimum} to {maximum}; got '{value}'.";

    private static string? ReadMix(string value, out OperationMix mix)
    {
        mix = default;
        int get = 0, put = 0, delete = 0;
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var share) || share > 100
                || pair[0] is not ("get" or "put" or "delete") || !named.Add(pair[0]))
            {
                return $"--mix lists each of get, put and delete at most once with a share in percent, such as get=90,put=10; got '{value}'.";
            }

            _ = pair[0] switch { "get" => get = share, "put" => put = share, _ => delete = share };
        }

        if (get + put + delete != 100)
        {
            return $"--mix shares must add up to 100; '{value}' adds up to {get + put + delete}.";
        }

        mix = new OperationMix(get, put, delete);
        return null;
    }

    private static string? ReadZipf(string value, out double? zipf)
    {
        zipf = null;
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var exponent) || exponent <= 0 || exponent > 10)
        {
            return $"--zipf is the exponent of key popularity, a number above 0 and at most 10 such as 0.99; got '{value}'.";
        }

        zipf = exponent;
        return null;
    }
}
