using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChordKvs.Core.Ring;

/// <summary>
/// A position on the 64-bit Chord identifier circle, used for both nodes and keys.
/// </summary>
/// <remarks>
/// Identifiers come from SHA-1 truncated to its first 64 bits (big-endian), so they are the same in
/// every process, on every machine and under every .NET version; <see cref="object.GetHashCode"/>
/// is randomised per process and must never place anything on the ring.
/// </remarks>
[JsonConverter(typeof(NodeIdJsonConverter))]
public readonly record struct NodeId(ulong Value) : IComparable<NodeId>
{
    /// <summary>The number of bits in an identifier (m in the Chord paper).</summary>
    public const int Bits = 64;

    /// <summary>Identifier 0, where the circle wraps around.</summary>
    public static NodeId Zero => default;

    /// <summary>The largest identifier, 2^64 − 1.</summary>
    public static NodeId MaxValue => new(ulong.MaxValue);

    // Keys up to this many UTF-8 bytes are encoded on the stack (every key within the default key limit, 1 KiB): a
    // client request hashes its key two to four times, and an array per hash made each hash about a third slower
    // (docs/performance.md, change 9).
    private const int StackEncodedKeyBytes = 1024;

    // The last key this thread hashed, and its identifier. A client request hashes the same key string two to four
    // times on its way through the node (routing, the write lock's stripe, the store's lookup, the new entry), and its
    // continuations mostly run on one thread, so all but the first are a reference comparison. Strings are immutable:
    // the same object always has the same identifier, so a hit can never be wrong, and a miss just hashes.
    [ThreadStatic]
    private static string? lastHashedKey;

    [ThreadStatic]
    private static ulong lastHashedKeyId;

    /// <summary>The identifier of a key: the first 64 bits of SHA-1 over its UTF-8 bytes.</summary>
    public static NodeId ForKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ReferenceEquals(key, lastHashedKey))
        {
            return new NodeId(lastHashedKeyId);
        }

        var length = Encoding.UTF8.GetByteCount(key);
        Span<byte> utf8 = length <= StackEncodedKeyBytes ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, utf8);
        var id = FromUtf8(utf8);
        lastHashedKeyId = id.Value;
        lastHashedKey = key;
        return id;
    }

    /// <summary>The identifier of a UTF-8 byte string: the first 64 bits of its SHA-1 (<see cref="Sha1Prefix"/>).</summary>
    /// <remarks>SHA-1 spreads identifiers evenly over the ring, as in the Chord paper; it protects nothing.</remarks>
    public static NodeId FromUtf8(ReadOnlySpan<byte> utf8) => new(Sha1Prefix.Of(utf8));

    /// <summary>
    /// The identifier of a node: derived from its address and, for virtual nodes, the index of the
    /// virtual node on that host, so that a restarted node lands where it was before.
    /// </summary>
    public static NodeId ForNode(string address, int virtualNodeIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ForKey(virtualNodeIndex == 0 ? address : $"{address}#{virtualNodeIndex.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>This identifier plus 2^<paramref name="exponent"/>, modulo 2^64: the start of finger <paramref name="exponent"/>.</summary>
    public NodeId AddPowerOfTwo(int exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(exponent, Bits);
        return new NodeId(unchecked(Value + (1UL << exponent)));
    }

    /// <summary>The clockwise distance from this identifier to <paramref name="other"/>, modulo 2^64.</summary>
    public ulong DistanceTo(NodeId other) => unchecked(other.Value - Value);

    /// <inheritdoc />
    public int CompareTo(NodeId other) => Value.CompareTo(other.Value);

    /// <summary>Compares two identifiers as plain numbers (not around the circle).</summary>
    public static bool operator <(NodeId left, NodeId right) => left.Value < right.Value;

    /// <summary>Compares two identifiers as plain numbers (not around the circle).</summary>
    public static bool operator >(NodeId left, NodeId right) => left.Value > right.Value;

    /// <summary>Compares two identifiers as plain numbers (not around the circle).</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.Value <= right.Value;

    /// <summary>Compares two identifiers as plain numbers (not around the circle).</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.Value >= right.Value;

    /// <summary>Sixteen lower-case hexadecimal digits.</summary>
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses the sixteen-hex-digit form written by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out NodeId id)
    {
        if (text is { Length: > 0 and <= 16 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            id = new NodeId(value);
            return true;
        }

        id = default;
        return false;
    }
}

/// <summary>Writes a <see cref="NodeId"/> as its sixteen-hex-digit string, which JSON readers do not round.</summary>
public sealed class NodeIdJsonConverter : JsonConverter<NodeId>
{
    /// <inheritdoc />
    public override NodeId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return NodeId.TryParse(text, out var id) ? id : throw new JsonException($"'{text}' is not a 64-bit hexadecimal node identifier.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, NodeId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
