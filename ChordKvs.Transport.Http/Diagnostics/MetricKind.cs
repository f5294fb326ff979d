namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>How an instrument's measurements add up, which decides how Prometheus is told about it.</summary>
internal enum MetricKind
{
    /// <summary>A monotonic total (counters, observable counters).</summary>
    Counter,

    /// <summary>A value that goes up and down (gauges, up-down counters).</summary>
    Gauge,

    /// <summary>A distribution of recorded values in buckets.</summary>
    Histogram,
}
