using System.Globalization;

namespace ChordKvs.Tests.Operations;

/// <summary>The samples of a Prometheus text exposition, by series (<c>name{labels}</c> exactly as written).</summary>
internal sealed class PrometheusScrape
{
    private readonly Dictionary<string, double> samples;

    private PrometheusScrape(string text, Dictionary<string, double> samples)
    {
        Text = text;
        this.samples = samples;
    }

    /// <summary>The exposition as received, for failure messages.</summary>
    public string Text { get; }

    /// <summary>Reads every sample line; comment lines are skipped.</summary>
    public static PrometheusScrape Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            samples[line[..space]] = line[(space + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
        }

        return new PrometheusScrape(text, samples);
    }

    /// <summary>The value of a series, or null when the exposition does not have it.</summary>
    public double? this[string series] => samples.TryGetValue(series, out var value) ? value : null;
}
