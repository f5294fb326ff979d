namespace ChordKvs.Host.Simulator;

/// <summary>
/// Derives the seed of each part of an experiment (one ring size, one failure fraction, one churn rate) from the
/// run's seed, so every part is reproducible on its own and parts do not share a random stream.
/// </summary>
internal static class Seeds
{
    /// <summary>The seed of part <paramref name="part"/> of a run seeded with <paramref name="seed"/> (SplitMix64 finaliser).</summary>
    public static int For(int seed, int part)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32) + (ulong)(uint)part + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)((z ^ (z >> 31)) & int.MaxValue);
        }
    }

    /// <summary>A uniformly random identifier.</summary>
    public static ulong NextId(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return (ulong)random.NextInt64(long.MinValue, long.MaxValue);
    }
}
