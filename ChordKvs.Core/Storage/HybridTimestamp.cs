using System.Globalization;
using System.Text.Json.Serialization;

namespace ChordKvs.Core.Storage;

/// <summary>
/// A reading of a <see cref="HybridLogicalClock"/>: physical milliseconds since the Unix epoch plus a
/// logical counter that orders events within (or ahead of) the same millisecond.
/// </summary>
/// <remarks>
/// <para>
/// Both parts are packed into one 64-bit number, 48 bits of milliseconds above 16 bits of counter, so
/// that comparing timestamps is comparing integers and an entry's version stays small in memory. 48 bits
/// of milliseconds last until the year 10889.
/// </para>
/// <para>
/// Because the counter sits in the low bits, "the next timestamp" is simply the packed value plus one: a
/// counter that runs past <see cref="MaxLogical"/> carries into the millisecond, which keeps the clock
/// strictly increasing at the cost of running one millisecond ahead of physical time.
/// </para>
/// </remarks>
public readonly record struct HybridTimestamp : IComparable<HybridTimestamp>
{
    /// <summary>How many low bits of <see cref="Packed"/> hold the logical counter.</summary>
    public const int LogicalBits = 16;

    /// <summary>The largest logical counter, 65 535.</summary>
    public const int MaxLogical = (1 << LogicalBits) - 1;

    /// <summary>The largest physical part, 2^48 − 1 milliseconds after the Unix epoch.</summary>
    public const long MaxPhysicalMilliseconds = (1L << (64 - LogicalBits)) - 1;

    private readonly ulong _packed;

    /// <summary>Creates a timestamp from its two parts.</summary>
    /// <param name="physicalMilliseconds">Milliseconds since the Unix epoch, 0 to <see cref="MaxPhysicalMilliseconds"/>.</param>
    /// <param name="logical">The logical counter, 0 to <see cref="MaxLogical"/>.</param>
    [JsonConstructor]
    public HybridTimestamp(long physicalMilliseconds, int logical)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(physicalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(physicalMilliseconds, MaxPhysicalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfNegative(logical);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logical, MaxLogical);
        _packed = ((ulong)physicalMilliseconds << LogicalBits) | (uint)logical;
    }

    private HybridTimestamp(ulong packed) => _packed = packed;

    /// <summary>The smallest timestamp: the Unix epoch with counter 0. Every real write is newer.</summary>
    public static HybridTimestamp Zero => default;

    /// <summary>The largest representable timestamp.</summary>
    public static HybridTimestamp MaxValue => new(ulong.MaxValue);

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long PhysicalMilliseconds => (long)(_packed >> LogicalBits);

    /// <summary>The logical counter within <see cref="PhysicalMilliseconds"/>.</summary>
    public int Logical => (int)(_packed & MaxLogical);

    /// <summary>Both parts as one number that orders timestamps exactly as <see cref="CompareTo"/> does.</summary>
    [JsonIgnore]
    public ulong Packed => _packed;

    /// <summary>The physical part as a point in time (UTC).</summary>
    [JsonIgnore]
    public DateTimeOffset PhysicalTime => DateTimeOffset.FromUnixTimeMilliseconds(PhysicalMilliseconds);

    /// <summary>The timestamp whose <see cref="Packed"/> form is <paramref name="packed"/>.</summary>
    public static HybridTimestamp FromPacked(ulong packed) => new(packed);

    /// <inheritdoc />
    public int CompareTo(HybridTimestamp other) => _packed.CompareTo(other._packed);

    /// <summary>Whether <paramref name="left"/> happened before <paramref name="right"/> in clock order.</summary>
    public static bool operator <(HybridTimestamp left, HybridTimestamp right) => left._packed < right._packed;

    /// <summary>Whether <paramref name="left"/> happened after <paramref name="right"/> in clock order.</summary>
    public static bool operator >(HybridTimestamp left, HybridTimestamp right) => left._packed > right._packed;

    /// <summary>Whether <paramref name="left"/> is not after <paramref name="right"/> in clock order.</summary>
    public static bool operator <=(HybridTimestamp left, HybridTimestamp right) => left._packed <= right._packed;

    /// <summary>Whether <paramref name="left"/> is not before <paramref name="right"/> in clock order.</summary>
    public static bool operator >=(HybridTimestamp left, HybridTimestamp right) => left._packed >= right._packed;

    /// <summary>The physical time in ISO 8601 followed by the counter, e.g. <c>2026-01-02T03:04:05.678Z+3</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{PhysicalTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}+{Logical}");
}
