using System.Numerics;

namespace ChordKvs.Host.Bench;

/// <summary>
/// Request latencies in microseconds, counted in log-linear buckets: exact below 128 µs, then 64 buckets per
/// power of two, so any percentile is within 1/64 (1.6 %) of the true value. Fixed size whatever the count, so
/// each connection keeps its own without locking and the run merges them at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;

    // Enough buckets for any long: exponents up to 63 - SubBucketBits.
    private readonly long[] _counts = new long[SubBuckets * (64 - SubBucketBits + 1)];

    /// <summary>How many latencies were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest latency recorded, in microseconds.</summary>
    public long Max { get; private set; }

    /// <summary>Counts one latency.</summary>
    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        _counts[BucketOf(value)]++;
        Count++;
        Max = Math.Max(Max, value);
    }

    /// <summary>Adds every latency of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The latency that <paramref name="percentile"/> percent of requests did not exceed: the highest value of the
    /// bucket holding that rank (nearest-rank method), never above <see cref="Max"/>; 0 when nothing was recorded.
    /// </summary>
    public long Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        // The small tolerance keeps decimal percentiles such as 99.9, which are not exact in binary, from rounding a rank up.
        var rank = Math.Max(1, (long)Math.Ceiling((percentile / 100 * Count) - 1e-9));
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += _counts[bucket];
            if (seen >= rank)
            {
                return Math.Min(HighestValueOf(bucket), Max);
            }
        }

        return Max;
    }

    /// <summary>The bucket of a value: the value itself below 2·<see cref="SubBuckets"/>, else its exponent and top bits.</summary>
    internal static int BucketOf(long value)
    {
        if (value < 2 * SubBuckets)
        {
            return (int)value;
        }

        var shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        return (SubBuckets * (shift + 1)) + (int)((value >> shift) - SubBuckets);
    }

    /// <summary>The highest value that falls into <paramref name="bucket"/>.</summary>
    internal static long HighestValueOf(int bucket)
    {
        if (bucket < 2 * SubBuckets)
        {
            return bucket;
        }

        var shift = (bucket / SubBuckets) - 1;
        var lowest = (long)(SubBuckets + (bucket % SubBuckets)) << shift;
        return lowest + (1L << shift) - 1;
    }
}
