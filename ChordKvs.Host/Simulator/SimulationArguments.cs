using System.Globalization;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// The options after <c>chordkvs simulate &lt;experiment&gt;</c>: <c>--name value</c> pairs read by typed getters.
/// Every getter marks its option as used, so <see cref="EnsureAllUsed"/> can reject options no experiment reads
/// (a typo must not silently run the full-size default).
/// </summary>
internal sealed class SimulationArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private SimulationArguments()
    {
    }

    /// <summary>Reads <c>--name value</c> pairs.</summary>
    /// <exception cref="UsageException">An argument is not an option, an option has no value, or one is given twice.</exception>
    public static SimulationArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new SimulationArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new UsageException($"'{name}' is not an option; options look like --seed 7.");
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Option {name} needs a value.");
            }

            if (!parsed._values.TryAdd(name[2..], args[++i]))
            {
                throw new UsageException($"Option {name} is given twice.");
            }
        }

        return parsed;
    }

    /// <summary>A string option, or <paramref name="fallback"/> when absent.</summary>
    public string GetString(string name, string fallback) => TryGet(name, out var text) ? text : fallback;

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} takes a whole number from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>A number option within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public double GetDouble(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!TryGet(name, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new UsageException($"--{name} takes a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
        }

        return value;
    }

    /// <summary>A comma-separated list of numbers, each within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public IReadOnlyList<double> GetDoubles(string name, IReadOnlyList<double> fallback, double min, double max)
    {
        if (!TryGet(name, out var text))
        {
            return fallback;
        }

        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
            {
                throw new UsageException($"--{name} takes a comma-separated list of numbers from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}; '{part}' is not one.");
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>A comma-separated list of whole numbers, each within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public IReadOnlyList<int> GetInts(string name, IReadOnlyList<int> fallback, int min, int max) =>
        GetDoubles(name, [.. fallback.Select(value => (double)value)], min, max).Select(value =>
            value == Math.Floor(value) ? (int)value : throw new UsageException($"--{name} takes whole numbers; {value.ToString(CultureInfo.InvariantCulture)} is not one.")).ToList();

    /// <summary>Throws when an option was given that nothing read.</summary>
    /// <exception cref="UsageException">Names the unknown options.</exception>
    public void EnsureAllUsed(string experiment)
    {
        var unknown = _values.Keys.Where(name => !_used.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"{experiment} does not take {string.Join(", ", unknown.Select(name => "--" + name))}.");
        }
    }

    private bool TryGet(string name, out string value)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out value!);
    }
}
