using System.Diagnostics.Metrics;
using System.Globalization;

namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>
/// Listens to the instruments of one <see cref="Meter"/> and adds their measurements up, so that a scrape can
/// read every series' current total, last value or distribution.
/// </summary>
/// <remarks>
/// Instruments are selected by their meter object, not by name: several nodes in one process (the demo, the
/// integration tests) each have a meter named <c>ChordKvs</c>, and each node's scrape must show only its own.
/// Observable instruments are read during <see cref="Collect"/>, so nothing runs between scrapes.
/// </remarks>
internal sealed class MeterAggregator : IDisposable
{
    /// <summary>Bucket bounds of a histogram that gives no advice (the OpenTelemetry defaults).</summary>
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Lock gate = new();
    private readonly Lock scraping = new();
    private readonly MeterListener listener = new();
    private readonly Dictionary<Instrument, InstrumentState> instruments = [];

    public MeterAggregator(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        listener.InstrumentPublished = (instrument, listening) =>
        {
            if (instrument.Meter == meter)
            {
                lock (gate)
                {
                    instruments[instrument] = new InstrumentState(instrument);
                }

                listening.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (gate)
            {
                instruments.Remove(instrument);
            }
        };
        listener.Start();
    }

    /// <summary>Reads the observable instruments, then returns every instrument's series, in the order the instruments were created.</summary>
    public IReadOnlyList<MetricSnapshot> Collect()
    {
        // One scrape at a time, so that one scrape's clearing cannot drop what another has just observed.
        lock (scraping)
        {
            lock (gate)
            {
                foreach (var state in instruments.Values.Where(state => state.Instrument.IsObservable))
                {
                    // An observable reports its whole current state each time; a series it no longer reports is gone.
                    state.ClearSeries();
                }
            }

            listener.RecordObservableInstruments();
            lock (gate)
            {
                return [.. instruments.Values.Select(state => state.Snapshot())];
            }
        }
    }

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (gate)
        {
            if (instruments.TryGetValue(instrument, out var state))
            {
                state.Record(tags, value);
            }
        }
    }

    private static MetricKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition == typeof(Histogram<>) ? MetricKind.Histogram
            : definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? MetricKind.Counter
            : MetricKind.Gauge;
    }

    private static double[] BoundsOf(Instrument instrument) => instrument switch
    {
        Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(bound => (double)bound)],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(bound => (double)bound)],
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        _ => DefaultBounds,
    };

    /// <summary>The series of one instrument; used under the aggregator's lock only.</summary>
    private sealed class InstrumentState(Instrument instrument)
    {
        private readonly MetricKind kind = KindOf(instrument);
        private readonly double[] bounds = KindOf(instrument) == MetricKind.Histogram ? BoundsOf(instrument) : [];

        // Each tag list seen so far, as the instrument gave it, with its series: a measurement whose tags match one
        // (the same keys and values in the same order, as an instrument's own call sites give them) finds its series
        // without formatting, sorting or joining anything. Every client request records one, so this is a hot path.
        private readonly List<(KeyValuePair<string, object?>[] Tags, Series Series)> seen = [];

        public Instrument Instrument => instrument;

        /// <summary>The series by their sorted, formatted tags.</summary>
        private Dictionary<string, Series> Series { get; } = [];

        public void ClearSeries()
        {
            Series.Clear();
            seen.Clear();
        }

        public void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, double value)
        {
            var series = Seen(tags) ?? Admit(tags);

            if (kind == MetricKind.Histogram)
            {
                // Prometheus buckets are "less than or equal": the first bound that is not below the value.
                var bucket = Array.BinarySearch(bounds, value);
                series.Buckets![bucket >= 0 ? bucket : ~bucket]++;
                series.Sum += value;
                series.Count++;
            }
            else if (kind == MetricKind.Counter && !instrument.IsObservable)
            {
                series.Value += value;
            }
            else
            {
                // Gauges keep their last value; observable counters report their running total.
                series.Value = value;
            }
        }

        private Series? Seen(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var (known, series) in seen)
            {
                if (SameTags(known, tags))
                {
                    return series;
                }
            }

            return null;
        }

        private static bool SameTags(KeyValuePair<string, object?>[] known, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (known.Length != tags.Length)
            {
                return false;
            }

            for (var i = 0; i < known.Length; i++)
            {
                if (!string.Equals(known[i].Key, tags[i].Key, StringComparison.Ordinal) || !object.Equals(known[i].Value, tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The series of tags not seen in this order before: found by their sorted, formatted form, or new.</summary>
        private Series Admit(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var sorted = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                sorted[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty);
            }

            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var key = string.Join('\u001f', sorted.Select(tag => tag.Key + "=" + tag.Value));
            if (!Series.TryGetValue(key, out var series))
            {
                series = new Series(sorted, kind == MetricKind.Histogram ? new long[bounds.Length + 1] : null);
                Series.Add(key, series);
            }

            seen.Add((tags.ToArray(), series));
            return series;
        }

        public MetricSnapshot Snapshot() => new(instrument.Name, instrument.Unit, instrument.Description, kind,
            [.. Series.Values.Select(series => new SeriesSnapshot(series.Tags, series.Value, series.Buckets is { } buckets ? Distribution(buckets, series) : null))]);

        private HistogramSnapshot Distribution(long[] buckets, Series series)
        {
            var cumulative = new long[bounds.Length];
            var running = 0L;
            for (var i = 0; i < bounds.Length; i++)
            {
                running += buckets[i];
                cumulative[i] = running;
            }

            return new HistogramSnapshot(bounds, cumulative, series.Sum, series.Count);
        }
    }

    private sealed class Series(KeyValuePair<string, string>[] tags, long[]? buckets)
    {
        public KeyValuePair<string, string>[] Tags => tags;

        public long[]? Buckets => buckets;

        public double Value { get; set; }

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
