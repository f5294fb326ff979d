namespace ChordKvs.Host.Simulator;

/// <summary>
/// A histogram of small non-negative integers (hops, timeouts, keys per node) with the summary figures the
/// Chord papers report: mean, 1st and 99th percentiles, maximum. Counting instead of storing every sample keeps
/// millions of lookups cheap.
/// </summary>
internal sealed class Distribution
{
    private long[] _counts = new long[16];
    private long _total;
    private double _sum;

    /// <summary>How many samples were added.</summary>
    public long Count => _total;

    /// <summary>The mean of the samples; 0 when there are none.</summary>
    public double Mean => _total == 0 ? 0 : _sum / _total;

    /// <summary>The largest sample; 0 when there are none.</summary>
    public int Max
    {
        get
        {
            for (var value = _counts.Length - 1; value >= 0; value--)
            {
                if (_counts[value] > 0)
                {
                    return value;
                }
            }

            return 0;
        }
    }

    /// <summary>Adds one sample.</summary>
    public void Add(int value) => Add(value, 1);

    /// <summary>Adds <paramref name="times"/> samples of the same value.</summary>
    public void Add(int value, long times)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (value >= _counts.Length)
        {
            Array.Resize(ref _counts, Math.Max(value + 1, _counts.Length * 2));
        }

        _counts[value] += times;
        _total += times;
        _sum += (double)value * times;
    }

    /// <summary>Adds every sample of another distribution.</summary>
    public void Add(Distribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var value = 0; value < other._counts.Length; value++)
        {
            if (other._counts[value] > 0)
            {
                Add(value, other._counts[value]);
            }
        }
    }

    /// <summary>
    /// The <paramref name="percent"/>th percentile by the nearest-rank rule: the smallest value that at least that
    /// share of the samples does not exceed. 0 when there are no samples.
    /// </summary>
    public int Percentile(double percent)
    {
        if (percent is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile lies in (0, 100].");
        }

        if (_total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percent / 100 * _total);
        long seen = 0;
        for (var value = 0; value < _counts.Length; value++)
        {
            seen += _counts[value];
            if (seen >= rank)
            {
                return value;
            }
        }

        return Max;
    }

    /// <summary>How many samples equal <paramref name="value"/>.</summary>
    public long CountOf(int value) => value >= 0 && value < _counts.Length ? _counts[value] : 0;
}
