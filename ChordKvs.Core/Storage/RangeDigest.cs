using System.Text.Json.Serialization;

namespace ChordKvs.Core.Storage;

/// <summary>
/// A summary of the entries in an arc of the ring, for anti-entropy: two replicas holding the same (key,
/// version) pairs in the arc have equal digests whatever the order in which they received them.
/// </summary>
/// <remarks>
/// <see cref="Hash"/> is the sum modulo 2^64 of a 64-bit hash of each entry's key identifier and version.
/// A sum is order-independent, and it is additive: the digest of an arc is the <see cref="Add"/> of the
/// digests of its parts, so replicas can bisect an arc to find where they differ. Keys are represented by
/// their SHA-1-derived identifiers; two distinct keys with equal identifiers and equal versions would not be
/// told apart, which at 64 bits is negligible.
/// </remarks>
/// <param name="Hash">The order-independent hash of the entries' (key, version) pairs; 0 for an empty arc.</param>
/// <param name="Count">How many entries (values and tombstones) the arc holds.</param>
public readonly record struct RangeDigest(
    [property: JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] ulong Hash,
    int Count)
{
    /// <summary>The digest of an arc without entries.</summary>
    public static RangeDigest Empty => default;

    /// <summary>The digest of the union of two disjoint arcs.</summary>
    public RangeDigest Add(RangeDigest other) => new(unchecked(Hash + other.Hash), Count + other.Count);

    /// <summary>The digest of a single entry.</summary>
    public static RangeDigest Of(StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var hash = Mix(Mix(Mix(entry.KeyId.Value) ^ entry.Version.Timestamp.Packed) ^ entry.Version.Writer.Value);
        return new RangeDigest(hash, 1);
    }

    // SplitMix64 (Steele, Lea, Flood 2014): a fixed, well-mixing bijection, so the digest is the same in every
    // process and on every machine, unlike the randomised hashing of string.GetHashCode.
    private static ulong Mix(ulong value)
    {
        unchecked
        {
            var z = value + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
