using System.Buffers;
using System.Globalization;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Storage;

/// <summary>
/// The version of a stored entry: the writer's hybrid-logical-clock timestamp, with the writer's node
/// identifier breaking ties. Versions are totally ordered and the greater one wins (last writer wins).
/// </summary>
/// <remarks>
/// Two writes can only share a timestamp if they come from different nodes (one node's clock never repeats),
/// so the writer tie-break makes every pair of distinct writes comparable and every replica pick the same
/// winner regardless of the order in which writes arrive.
/// </remarks>
/// <param name="Timestamp">When the write happened, by the writer's hybrid logical clock.</param>
/// <param name="Writer">The node that accepted the write.</param>
public readonly record struct EntryVersion(HybridTimestamp Timestamp, NodeId Writer) : IComparable<EntryVersion>
{
    /// <summary>The length of <see cref="ToToken"/>: sixteen hex digits of timestamp, sixteen of writer.</summary>
    public const int TokenLength = 32;

    private const string WeakPrefix = "W/";

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The smallest version; every real write is newer.</summary>
    public static EntryVersion Zero => default;

    /// <inheritdoc />
    public int CompareTo(EntryVersion other)
    {
        var byTime = Timestamp.CompareTo(other.Timestamp);
        return byTime != 0 ? byTime : Writer.CompareTo(other.Writer);
    }

    /// <summary>Whether <paramref name="left"/> loses to <paramref name="right"/>.</summary>
    public static bool operator <(EntryVersion left, EntryVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> wins over <paramref name="right"/>.</summary>
    public static bool operator >(EntryVersion left, EntryVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> does not win over <paramref name="right"/>.</summary>
    public static bool operator <=(EntryVersion left, EntryVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> does not lose to <paramref name="right"/>.</summary>
    public static bool operator >=(EntryVersion left, EntryVersion right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// The compact text form: 32 lower-case hex digits (packed timestamp, then writer). It sorts as the
    /// version does, so it is also usable as an ordered key.
    /// </summary>
    public string ToToken() => Format(quote: string.Empty);

    /// <summary>The token as a strong HTTP entity tag (RFC 9110 §8.8.3): the token in double quotes.</summary>
    /// <remarks>Formatted in one go rather than around <see cref="ToToken"/>: every GET and PUT answers with one.</remarks>
    public string ToETag() => Format(quote: "\"");

    private string Format(string quote) =>
        string.Create(CultureInfo.InvariantCulture, $"{quote}{Timestamp.Packed:x16}{Writer.Value:x16}{quote}");

    /// <summary>Parses the form written by <see cref="ToToken"/> (hex digits in either case, nothing else).</summary>
    public static bool TryParseToken(ReadOnlySpan<char> token, out EntryVersion version)
    {
        version = default;
        if (token.Length != TokenLength || token.ContainsAnyExcept(HexDigits))
        {
            return false;
        }

        var timestamp = ulong.Parse(token[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var writer = ulong.Parse(token[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        version = new EntryVersion(HybridTimestamp.FromPacked(timestamp), new NodeId(writer));
        return true;
    }

    /// <summary>
    /// Parses a strong entity tag as written by <see cref="ToETag"/>; surrounding whitespace is ignored.
    /// Weak tags (<c>W/"…"</c>) are rejected: <c>If-Match</c> compares strongly (RFC 9110 §13.1.1), and a weak
    /// tag never names one exact version.
    /// </summary>
    public static bool TryParseETag(ReadOnlySpan<char> etag, out EntryVersion version) => TryParseETag(etag, allowWeak: false, out version);

    /// <summary>
    /// Parses an entity tag, optionally accepting the weak form <c>W/"…"</c> as if it were strong, which is
    /// what the weak comparison used by <c>If-None-Match</c> (RFC 9110 §13.1.2) needs.
    /// </summary>
    public static bool TryParseETag(ReadOnlySpan<char> etag, bool allowWeak, out EntryVersion version)
    {
        version = default;
        var text = etag.Trim();
        if (text.StartsWith(WeakPrefix, StringComparison.Ordinal))
        {
            if (!allowWeak)
            {
                return false;
            }

            text = text[WeakPrefix.Length..];
        }

        return text.Length == TokenLength + 2 && text[0] == '"' && text[^1] == '"' && TryParseToken(text[1..^1], out version);
    }

    /// <summary>The token form (see <see cref="ToToken"/>).</summary>
    public override string ToString() => ToToken();
}
