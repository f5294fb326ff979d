using System.Globalization;
using System.Text;

namespace ChordKvs.Host.Bench;

/// <summary>The result of a load run, as printed and as written with <c>--json</c>.</summary>
/// <param name="Targets">The base URLs loaded.</param>
/// <param name="Connections">Connections in all.</param>
/// <param name="Keys">Distinct keys.</param>
/// <param name="ValueSize">Bytes per value written.</param>
/// <param name="Mix">The operation mix, as given.</param>
/// <param name="Zipf">The Zipf exponent, or null for uniform keys.</param>
/// <param name="Seconds">The measured time.</param>
/// <param name="Requests">Requests completed in that time, successful or not.</param>
/// <param name="Gets">Of those, reads.</param>
/// <param name="Puts">Of those, writes.</param>
/// <param name="Deletes">Of those, deletes.</param>
/// <param name="Errors">Requests that failed.</param>
/// <param name="RequestsPerSecond">Requests divided by seconds.</param>
/// <param name="P50Ms">Median latency in milliseconds.</param>
/// <param name="P99Ms">99th percentile latency in milliseconds.</param>
/// <param name="P999Ms">99.9th percentile latency in milliseconds.</param>
/// <param name="MaxMs">Highest latency in milliseconds.</param>
/// <param name="ErrorsByStatus">Failed requests by HTTP status ("none" when no answer came).</param>
internal sealed record BenchReport(
    IReadOnlyList<string> Targets,
    int Connections,
    int Keys,
    int ValueSize,
    string Mix,
    double? Zipf,
    double Seconds,
    long Requests,
    long Gets,
    long Puts,
    long Deletes,
    long Errors,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    IReadOnlyDictionary<string, long> ErrorsByStatus)
{
    /// <summary>Works out the report of a run of <paramref name="options"/> whose connections counted <paramref name="tally"/> in <paramref name="elapsed"/>.</summary>
    public static BenchReport From(BenchOptions options, BenchTally tally, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tally);
        var requests = tally.Latency.Count;
        var seconds = elapsed.TotalSeconds;
        return new BenchReport(
            [.. options.Targets.Select(target => target.ToString())],
            options.Connections,
            options.Keys,
            options.ValueSize,
            options.Mix.ToString(),
            options.Zipf,
            seconds,
            requests,
            tally.CountOf(BenchOperation.Get),
            tally.CountOf(BenchOperation.Put),
            tally.CountOf(BenchOperation.Delete),
            tally.ErrorsByStatus.Values.Sum(),
            seconds > 0 ? requests / seconds : 0,
            Milliseconds(tally.Latency.Percentile(50)),
            Milliseconds(tally.Latency.Percentile(99)),
            Milliseconds(tally.Latency.Percentile(99.9)),
            Milliseconds(tally.Latency.Max),
            tally.ErrorsByStatus.ToDictionary(pair => StatusName(pair.Key), pair => pair.Value));
    }

    /// <summary>The report as lines of text for a person.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Targets:     {string.Join(", ", Targets)}");
        text.AppendLine(invariant, $"Load:        {Connections} connections, {Keys} keys ({(Zipf is { } s ? $"Zipf s={s}" : "uniform")}), {ValueSize}-byte values, {Mix}");
        text.AppendLine(invariant, $"Requests:    {Requests} in {Seconds:0.0} s = {RequestsPerSecond:0} req/s (get {Gets}, put {Puts}, delete {Deletes})");
        text.AppendLine(invariant, $"Latency:     p50 {P50Ms:0.###} ms, p99 {P99Ms:0.###} ms, p99.9 {P999Ms:0.###} ms, max {MaxMs:0.###} ms");
        text.Append(invariant, $"Errors:      {(Errors == 0 ? "none" : $"{Errors} ({string.Join(", ", ErrorsByStatus.Select(pair => $"{pair.Key}: {pair.Value}"))})")}");
        return text.ToString();
    }

    /// <summary>How a status appears in the report: the number, or "none" when no answer came.</summary>
    public static string StatusName(int status) =>
        status == BenchTally.NoResponse ? "none" : status.ToString(CultureInfo.InvariantCulture);

    private static double Milliseconds(long microseconds) => microseconds / 1000.0;
}
