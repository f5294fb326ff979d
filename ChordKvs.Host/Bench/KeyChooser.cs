namespace ChordKvs.Host.Bench;

/// <summary>
/// Picks key indexes from 0 to count − 1: uniformly, or by Zipf's law with exponent s, where the key of rank k
/// (key 0 most popular) is chosen with probability proportional to 1/(k+1)^s.
/// </summary>
internal sealed class KeyChooser
{
    private readonly int _count;
    private readonly double[]? _cumulative;

    /// <summary>Creates a chooser over <paramref name="count"/> keys; <paramref name="zipf"/> null means uniform.</summary>
    public KeyChooser(int count, double? zipf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _count = count;
        if (zipf is not { } exponent)
        {
            return;
        }

        // Cumulative weights, normalised to end at 1: a draw is then one binary search.
        _cumulative = new double[count];
        var total = 0.0;
        for (var rank = 0; rank < count; rank++)
        {
            total += 1.0 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = total;
        }

        for (var rank = 0; rank < count; rank++)
        {
            _cumulative[rank] /= total;
        }
    }

    /// <summary>The probability that key <paramref name="index"/> is chosen.</summary>
    public double ProbabilityOf(int index) => _cumulative is null
        ? 1.0 / _count
        : _cumulative[index] - (index == 0 ? 0 : _cumulative[index - 1]);

    /// <summary>Draws a key index using <paramref name="random"/>.</summary>
    public int Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_cumulative is null)
        {
            return random.Next(_count);
        }

        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index >= 0 ? index : ~index, _count - 1);
    }
}
