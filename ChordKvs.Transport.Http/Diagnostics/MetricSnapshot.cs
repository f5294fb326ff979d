namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>One instrument's values at the moment of a scrape, one series per distinct set of tags.</summary>
/// <param name="Name">The instrument's name, as in <c>chordkvs.client.forwards</c>.</param>
/// <param name="Unit">The instrument's unit (UCUM, such as <c>s</c> or <c>By</c>), or null.</param>
/// <param name="Description">What the instrument measures, or null.</param>
/// <param name="Kind">How its measurements add up.</param>
/// <param name="Series">Its series, in the order their tag sets were first seen.</param>
internal sealed record MetricSnapshot(string Name, string? Unit, string? Description, MetricKind Kind, IReadOnlyList<SeriesSnapshot> Series);

/// <summary>One series of an instrument.</summary>
/// <param name="Tags">The series' tags, sorted by name.</param>
/// <param name="Value">The total (counters) or the last value (gauges); unused for histograms.</param>
/// <param name="Histogram">The distribution, for histograms only.</param>
internal sealed record SeriesSnapshot(IReadOnlyList<KeyValuePair<string, string>> Tags, double Value, HistogramSnapshot? Histogram);

/// <summary>A histogram series: how many recorded values fell at or below each bound, their sum and count.</summary>
/// <param name="UpperBounds">The bucket bounds in increasing order (the last, infinite bucket is implied).</param>
/// <param name="CumulativeCounts">For each bound, how many values were at or below it.</param>
/// <param name="Sum">The sum of every recorded value.</param>
/// <param name="Count">How many values were recorded.</param>
internal sealed record HistogramSnapshot(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> CumulativeCounts, double Sum, long Count);
