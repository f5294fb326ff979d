using System.Diagnostics.Metrics;
using ChordKvs.Transport.Http.Diagnostics;

namespace ChordKvs.Tests.Operations;

/// <summary>How <see cref="MeterAggregator"/> adds measurements up and <see cref="PrometheusTextFormat"/> writes them.</summary>
public sealed class PrometheusTextFormatTests
{
    [Test]
    public void Counters_are_summed_per_tag_set_and_named_with_total()
    {
        using var meter = new Meter("test.counters");
        using var aggregator = new MeterAggregator(meter);
        var counter = meter.CreateCounter<long>("requests.served", "{request}", "Requests served.");
        counter.Add(2, new KeyValuePair<string, object?>("operation", "get"));
        counter.Add(3, new KeyValuePair<string, object?>("operation", "get"));
        counter.Add(1, new KeyValuePair<string, object?>("operation", "put"));

        Assert.That(PrometheusTextFormat.Write(aggregator.Collect()), Is.EqualTo(
            "# HELP requests_served_total Requests served.\n" +
            "# TYPE requests_served_total counter\n" +
            "requests_served_total{operation=\"get\"} 5\n" +
            "requests_served_total{operation=\"put\"} 1\n"));
    }

    [Test]
    public void Histograms_have_cumulative_buckets_with_the_advised_bounds_and_a_unit_suffix()
    {
        using var meter = new Meter("test.histograms");
        using var aggregator = new MeterAggregator(meter);
        var histogram = meter.CreateHistogram("call.duration", "s", null, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        histogram.Record(0.05);
        histogram.Record(0.1);
        histogram.Record(0.5);
        histogram.Record(7);

        Assert.That(PrometheusTextFormat.Write(aggregator.Collect()), Is.EqualTo(
            "# TYPE call_duration_seconds histogram\n" +
            "call_duration_seconds_bucket{le=\"0.1\"} 2\n" +
            "call_duration_seconds_bucket{le=\"1\"} 3\n" +
            "call_duration_seconds_bucket{le=\"+Inf\"} 4\n" +
            "call_duration_seconds_sum 7.65\n" +
            "call_duration_seconds_count 4\n"));
    }

    [Test]
    public void Observable_gauges_are_read_at_each_collection_and_labels_are_escaped()
    {
        using var meter = new Meter("test.gauges");
        using var aggregator = new MeterAggregator(meter);
        var current = 4;
        meter.CreateObservableGauge("store.value_bytes", () => new Measurement<int>(current, new KeyValuePair<string, object?>("path", "a\"b\\c")), "By");

        var first = PrometheusTextFormat.Write(aggregator.Collect());
        current = 9;
        var second = PrometheusTextFormat.Write(aggregator.Collect());

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("# TYPE store_value_bytes gauge\nstore_value_bytes{path=\"a\\\"b\\\\c\"} 4\n"), "the unit suffix is not repeated, quotes and backslashes are escaped");
            Assert.That(second, Does.EndWith("} 9\n"), "the gauge is read again at the next scrape");
        });
    }

    [Test]
    public void Instruments_of_another_meter_with_the_same_name_are_not_collected()
    {
        using var mine = new Meter("ChordKvs");
        using var theirs = new Meter("ChordKvs");
        using var aggregator = new MeterAggregator(mine);
        mine.CreateCounter<int>("forwards").Add(1);
        theirs.CreateCounter<int>("forwards").Add(100);

        Assert.That(PrometheusTextFormat.Write(aggregator.Collect()), Is.EqualTo("# TYPE forwards_total counter\nforwards_total 1\n"));
    }
}
