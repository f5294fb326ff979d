namespace ChordKvs.Core.Simulation;

/// <summary>
/// 64-bit FNV-1a, folded byte by byte: a stable hash for the network's event trace and message type
/// codes, identical in every process and under every .NET version (unlike <see cref="object.GetHashCode"/>).
/// </summary>
internal static class Fnv1a64
{
    /// <summary>The FNV-1a 64-bit offset basis: the hash of nothing.</summary>
    public const ulong OffsetBasis = 14695981039346656037;

    private const ulong Prime = 1099511628211;

    /// <summary>Folds the eight bytes of <paramref name="value"/>, least significant first, into <paramref name="hash"/>.</summary>
    public static ulong Fold(ulong hash, ulong value)
    {
        for (var i = 0; i < sizeof(ulong); i++)
        {
            hash = unchecked((hash ^ (byte)value) * Prime);
            value >>= 8;
        }

        return hash;
    }

    /// <summary>Folds the UTF-16 code units of <paramref name="text"/>, two bytes each, low byte first, into <paramref name="hash"/>.</summary>
    public static ulong Fold(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = unchecked((hash ^ (byte)c) * Prime);
            hash = unchecked((hash ^ (byte)(c >> 8)) * Prime);
        }

        return hash;
    }
}
