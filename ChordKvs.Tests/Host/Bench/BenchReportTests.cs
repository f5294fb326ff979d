using ChordKvs.Host.Bench;

namespace ChordKvs.Tests.Host.Bench;

public class BenchReportTests
{
    private static readonly BenchOptions Options = new(
        [new Uri("http://127.0.0.1:7000/")], TimeSpan.FromSeconds(10), TimeSpan.Zero, 4, 100, 64, OperationMix.Default, null, null, false, 1);

    [Test]
    public void Small_latencies_are_exact_and_percentiles_use_the_nearest_rank()
    {
        var histogram = new LatencyHistogram();
        for (var microseconds = 1; microseconds <= 100; microseconds++)
        {
            histogram.Record(microseconds);
        }

        Assert.Multiple(() =>
        {
            Assert.That(histogram.Count, Is.EqualTo(100));
            Assert.That(histogram.Percentile(50), Is.EqualTo(50));
            Assert.That(histogram.Percentile(99), Is.EqualTo(99));
            Assert.That(histogram.Percentile(99.9), Is.EqualTo(100), "rank ceil(99.9) = 100");
            Assert.That(histogram.Percentile(100), Is.EqualTo(100));
            Assert.That(histogram.Max, Is.EqualTo(100));
        });
    }

    [TestCase(128L)]
    [TestCase(1_000L)]
    [TestCase(123_456L)]
    [TestCase(9_876_543_210L)]
    public void Large_latencies_are_within_one_sixty_fourth(long microseconds)
    {
        var bucket = LatencyHistogram.BucketOf(microseconds);
        var highest = LatencyHistogram.HighestValueOf(bucket);

        Assert.That(highest, Is.GreaterThanOrEqualTo(microseconds), "a bucket's highest value bounds what it holds");
        Assert.That(highest - microseconds, Is.LessThanOrEqualTo(microseconds / 64), "buckets are at most 1/64 of their values wide");
        Assert.That(LatencyHistogram.BucketOf(highest), Is.EqualTo(bucket));
        Assert.That(LatencyHistogram.BucketOf(highest + 1), Is.EqualTo(bucket + 1), "buckets are contiguous");
    }

    [Test]
    public void A_percentile_never_exceeds_the_largest_latency()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_000);

        Assert.That(histogram.Percentile(50), Is.EqualTo(1_000), "the bucket's upper end (1007) is capped at the maximum");
    }

    [Test]
    public void Report_adds_up_the_connections_tallies()
    {
        var first = new BenchTally();
        var second = new BenchTally();
        for (var i = 0; i < 900; i++)
        {
            first.Record(BenchOperation.Get, 100, failedStatus: null);
        }

        for (var i = 0; i < 97; i++)
        {
            second.Record(BenchOperation.Put, 2_000, failedStatus: null);
        }

        second.Record(BenchOperation.Put, 5_000, failedStatus: 503);
        second.Record(BenchOperation.Get, 5_000, failedStatus: 503);
        second.Record(BenchOperation.Get, 10_000, failedStatus: BenchTally.NoResponse);
        first.Add(second);

        var report = BenchReport.From(Options, first, TimeSpan.FromSeconds(4));

        Assert.Multiple(() =>
        {
            Assert.That(report.Requests, Is.EqualTo(1_000));
            Assert.That(report.Gets, Is.EqualTo(902));
            Assert.That(report.Puts, Is.EqualTo(98));
            Assert.That(report.RequestsPerSecond, Is.EqualTo(250), "1000 requests in 4 s");
            Assert.That(report.P50Ms, Is.EqualTo(0.1));
            Assert.That(report.P99Ms, Is.EqualTo(2.0).Within(2.0 / 64), "rank 990 is a 2 ms write");
            Assert.That(report.P999Ms, Is.EqualTo(5.0).Within(5.0 / 64), "rank 999 is a 5 ms failure");
            Assert.That(report.MaxMs, Is.EqualTo(10.0));
            Assert.That(report.Errors, Is.EqualTo(3));
            Assert.That(report.ErrorsByStatus, Is.EquivalentTo(new Dictionary<string, long> { ["503"] = 2, ["none"] = 1 }));
            Assert.That(report.Format(), Does.Contain("250 req/s").And.Contain("503: 2").And.Contain("none: 1"));
        });
    }

    [Test]
    public void A_run_without_requests_reports_zeros()
    {
        var report = BenchReport.From(Options, new BenchTally(), TimeSpan.Zero);

        Assert.That(report.RequestsPerSecond, Is.Zero);
        Assert.That(report.P99Ms, Is.Zero);
        Assert.That(report.Format(), Does.Contain("Errors:      none"));
    }

    [Test]
    public void Success_depends_on_the_operation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BenchTally.IsSuccess(BenchOperation.Get, 200), Is.True);
            Assert.That(BenchTally.IsSuccess(BenchOperation.Get, 404), Is.False, "every key was preloaded, so a missing one is an error");
            Assert.That(BenchTally.IsSuccess(BenchOperation.Put, 201), Is.True);
            Assert.That(BenchTally.IsSuccess(BenchOperation.Put, 204), Is.True);
            Assert.That(BenchTally.IsSuccess(BenchOperation.Put, 503), Is.False);
            Assert.That(BenchTally.IsSuccess(BenchOperation.Delete, 404), Is.True, "a delete may find its key already deleted");
        });
    }

    [Test]
    public void Mix_picks_operations_by_their_shares()
    {
        var mix = new OperationMix(90, 7, 3);
        var picks = Enumerable.Range(0, 100).Select(mix.Pick).ToList();

        Assert.That(picks.Count(op => op == BenchOperation.Get), Is.EqualTo(90));
        Assert.That(picks.Count(op => op == BenchOperation.Put), Is.EqualTo(7));
        Assert.That(picks.Count(op => op == BenchOperation.Delete), Is.EqualTo(3));
    }

    [Test]
    public void Zipf_keys_follow_their_law_and_uniform_keys_are_even()
    {
        var zipf = new KeyChooser(1_000, 1.0);
        var uniform = new KeyChooser(1_000, null);
        var harmonic = Enumerable.Range(1, 1_000).Sum(rank => 1.0 / rank);

        Assert.That(zipf.ProbabilityOf(0), Is.EqualTo(1 / harmonic).Within(1e-12));
        Assert.That(zipf.ProbabilityOf(9), Is.EqualTo(0.1 / harmonic).Within(1e-12));
        Assert.That(uniform.ProbabilityOf(123), Is.EqualTo(0.001));

        var random = new Random(5);
        var draws = Enumerable.Range(0, 10_000).Select(_ => zipf.Next(random)).ToList();
        Assert.That(draws, Has.All.InRange(0, 999));
        Assert.That(draws.Count(index => index == 0), Is.GreaterThan(draws.Count(index => index == 9)), "key 0 is ten times as popular as key 9");
    }

    [Test]
    public void Values_are_json_of_the_requested_size()
    {
        var value = LoadGenerator.ValueOfSize(64);

        Assert.That(value, Has.Length.EqualTo(64));
        Assert.That(() => System.Text.Json.JsonDocument.Parse(value).Dispose(), Throws.Nothing);
    }
}
