using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Takes a key out of the request target exactly as the client sent it, before any server-side decoding.
/// </summary>
/// <remarks>
/// <para>
/// The decoded request path cannot be used: Kestrel decodes most percent-escapes but leaves <c>%2F</c> encoded
/// (so that it cannot split a path segment) and removes dot segments, so <c>/kv/a%2Fb</c> and <c>/kv/a/b</c>
/// would reach the handler as different text although they name the same key, and <c>/kv/a/../b</c> would name
/// another key altogether. The raw target (<c>IHttpRequestFeature.RawTarget</c>) is what the client wrote;
/// everything after the <c>/kv/</c> prefix and before the query is the key, percent-decoded here as UTF-8.
/// </para>
/// <para>
/// Every escape is decoded, <c>%2F</c> included, so <c>/kv/users/42</c> and <c>/kv/users%2F42</c> both name the
/// key <c>users/42</c>. A <c>+</c> stays a plus sign (it means a space only in form bodies). Bytes that are not
/// valid UTF-8 after decoding are rejected rather than replaced, because a replaced key would silently name a
/// different ring position than the client meant.
/// </para>
/// </remarks>
internal static class RawTargetKey
{
    /// <summary>
    /// Extracts and decodes the key from <paramref name="rawTarget"/>, where the key follows the decoded path
    /// prefix <paramref name="prefix"/> (path base and route prefix, such as <c>/kv/</c>).
    /// </summary>
    /// <param name="rawTarget">The request target as sent: origin form (<c>/kv/a?w=2</c>) or absolute form (<c>http://host/kv/a</c>).</param>
    /// <param name="prefix">The decoded path that precedes the key, ending in <c>/</c>.</param>
    /// <param name="key">The decoded key; empty when the target has nothing after the prefix.</param>
    /// <param name="error">Why the target holds no decodable key; null on success.</param>
    public static bool TryParse(string rawTarget, string prefix, out string key, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        ArgumentNullException.ThrowIfNull(prefix);
        key = string.Empty;
        var path = PathOf(rawTarget);
        if (path.Equals(prefix.AsSpan().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            // "/kv" without a key: an empty key, which the key validator names as such.
            error = null;
            return true;
        }

        // Kestrel never decodes %2F into '/', so the decoded prefix spans as many '/' as its raw form does.
        var slashes = prefix.AsSpan().Count('/');
        var keyStart = IndexAfterSlashes(path, slashes);
        if (keyStart < 0 || !TryDecode(path[..keyStart], out var rawPrefix, out _)
            || !string.Equals(rawPrefix, prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = $"The request target does not start with {prefix}; put the percent-encoded key after it, as in {prefix}users%2F42.";
            return false;
        }

        return TryDecode(path[keyStart..], out key, out error);
    }

    /// <summary>
    /// Percent-decodes <paramref name="encoded"/> into bytes and reads them as strict UTF-8. Characters that are
    /// not escapes are taken as they are (as UTF-8 when a client sent raw non-ASCII bytes).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> encoded, out string decoded, [NotNullWhen(false)] out string? error)
    {
        decoded = string.Empty;
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(encoded.Length)];
        var length = 0;
        for (var index = 0; index < encoded.Length; index++)
        {
            var c = encoded[index];
            if (c == '%')
            {
                if (index + 2 >= encoded.Length || !char.IsAsciiHexDigit(encoded[index + 1]) || !char.IsAsciiHexDigit(encoded[index + 2]))
                {
                    error = Invariant($"The key has an invalid percent-escape at character {index} of its encoded form: '%' must be followed by two hexadecimal digits (write a literal '%' as %25).");
                    return false;
                }

                bytes[length++] = byte.Parse(encoded.Slice(index + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                index += 2;
            }
            else if (char.IsAscii(c))
            {
                bytes[length++] = (byte)c;
            }
            else
            {
                // Non-ASCII text in the target (a client that sent raw UTF-8): encode it back to its bytes.
                var end = index + 1;
                while (end < encoded.Length && !char.IsAscii(encoded[end]))
                {
                    end++;
                }

                if (!IsWellFormedUtf16(encoded[index..end]))
                {
                    error = Invariant($"The key has an unpaired UTF-16 surrogate at character {index} of its encoded form; send the key as percent-encoded UTF-8.");
                    return false;
                }

                length += Encoding.UTF8.GetBytes(encoded[index..end], bytes.AsSpan(length));
                index = end - 1;
            }
        }

        var utf8 = bytes.AsSpan(0, length);
        if (!Utf8.IsValid(utf8))
        {
            var offset = FirstInvalidByte(utf8);
            error = Invariant($"The key is not valid UTF-8 after percent-decoding (byte 0x{utf8[offset]:X2} at offset {offset}); percent-encode the key's UTF-8 bytes.");
            return false;
        }

        decoded = Encoding.UTF8.GetString(utf8);
        error = null;
        return true;
    }

    /// <summary>The path part of a raw target: without the query (and, in absolute form, the scheme and authority).</summary>
    public static ReadOnlySpan<char> PathOf(string rawTarget)
    {
        ReadOnlySpan<char> target = rawTarget;
        var query = target.IndexOfAny('?', '#');
        if (query >= 0)
        {
            target = target[..query];
        }

        if (!target.StartsWith("/"))
        {
            // Absolute form (RFC 9112 §3.2.2): skip "scheme://authority".
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                var afterAuthority = target[(scheme + 3)..].IndexOf('/');
                target = afterAuthority < 0 ? "/" : target[(scheme + 3 + afterAuthority)..];
            }
        }

        return target;
    }

    /// <summary>The index just after the <paramref name="count"/>-th '/', or −1 when there are fewer.</summary>
    private static int IndexAfterSlashes(ReadOnlySpan<char> path, int count)
    {
        var index = 0;
        for (var seen = 0; seen < count; seen++)
        {
            var next = path[index..].IndexOf('/');
            if (next < 0)
            {
                return -1;
            }

            index += next + 1;
        }

        return index;
    }

    private static bool IsWellFormedUtf16(ReadOnlySpan<char> text)
    {
        for (var index = 0; index < text.Length; index++)
        {
            if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                index++;
            }
            else if (char.IsSurrogate(text[index]))
            {
                return false;
            }
        }

        return true;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (OperationStatus.Done != Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed))
            {
                return offset;
            }

            offset += consumed;
        }

        return 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
