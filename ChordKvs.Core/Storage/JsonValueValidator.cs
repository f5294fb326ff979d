using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ChordKvs.Core.Storage;

/// <summary>
/// Checks that a request body is exactly one well-formed JSON value (RFC 8259) in UTF-8, within the configured
/// size and nesting limits, without building a document: the bytes are stored as sent, so they only need to be
/// read once.
/// </summary>
/// <remarks>
/// Bad input is an expected event here, not an exceptional one: <see cref="Validate"/> never throws for it and
/// always says what is wrong and at which byte, so the client can fix the body.
/// </remarks>
public sealed class JsonValueValidator
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly int _maxValueBytes;
    private readonly int _maxDepth;

    /// <summary>Creates a validator enforcing <paramref name="limits"/> as they are now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public JsonValueValidator(StoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        _maxValueBytes = limits.MaxValueBytes;
        _maxDepth = limits.MaxJsonDepth;
    }

    /// <summary>Checks <paramref name="utf8Json"/>; see the class remarks.</summary>
    public InputValidationResult Validate(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty)
        {
            return InputValidationResult.Invalid(
                ValidationFailure.Empty,
                "The body is empty; send one JSON value, for example {\"name\":\"value\"}, [1,2], \"text\", 42, true or null.");
        }

        if (utf8Json.Length > _maxValueBytes)
        {
            return InputValidationResult.Invalid(
                ValidationFailure.TooLarge,
                Invariant($"The body is {utf8Json.Length} bytes; the limit for a value is {_maxValueBytes} bytes."));
        }

        // Utf8JsonReader does not check the bytes inside strings, and values are returned to clients as
        // stored, so the encoding is checked on its own first (vectorised; the slow scan only runs to report).
        if (!Utf8.IsValid(utf8Json))
        {
            var offset = FirstInvalidUtf8Offset(utf8Json);
            return InputValidationResult.Invalid(
                ValidationFailure.InvalidEncoding,
                Invariant($"The body is not valid UTF-8: the byte 0x{utf8Json[offset]:X2} at offset {offset} does not start or continue a valid sequence."),
                offset);
        }

        if (utf8Json.StartsWith(ByteOrderMark))
        {
            return InputValidationResult.Invalid(
                ValidationFailure.InvalidJson,
                "The body starts with a UTF-8 byte order mark; JSON text must not (RFC 8259 section 8.1). Send the JSON without it.",
                0);
        }

        return ValidateSyntax(utf8Json);
    }

    private InputValidationResult ValidateSyntax(ReadOnlySpan<byte> utf8Json)
    {
        // The reader is allowed one level more than the limit so that this method, not the reader, notices the
        // excess depth and can name it; the default options already reject comments and trailing commas.
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = _maxDepth == int.MaxValue ? _maxDepth : _maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= _maxDepth)
                {
                    return InputValidationResult.Invalid(
                        ValidationFailure.TooDeep,
                        Invariant($"The JSON nests arrays and objects more than {_maxDepth} levels deep; the {(reader.TokenType == JsonTokenType.StartObject ? "object" : "array")} starting at byte offset {reader.TokenStartIndex} is one level too many."),
                        reader.TokenStartIndex);
                }
            }

            return InputValidationResult.Valid;
        }
        catch (JsonException error)
        {
            // The reader reports a line (counted at '\n') and a byte within it; clients want one byte offset.
            var line = error.LineNumber ?? 0;
            var byteInLine = error.BytePositionInLine ?? 0;
            var offset = LineStartOffset(utf8Json, line) + byteInLine;
            return InputValidationResult.Invalid(
                ValidationFailure.InvalidJson,
                Invariant($"The body is not valid JSON at byte offset {offset} (line {line + 1}, byte {byteInLine + 1} of that line): {Reason(error)}"),
                offset);
        }
    }

    // The reader's message ends with its own "LineNumber: … | BytePositionInLine: …", which the offset above
    // already says more usefully.
    private static string Reason(JsonException error)
    {
        var message = error.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }

    private static long LineStartOffset(ReadOnlySpan<byte> utf8Json, long line)
    {
        long start = 0;
        for (long seen = 0; seen < line; seen++)
        {
            var newline = utf8Json[(int)start..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            start += newline + 1;
        }

        return start;
    }

    private static int FirstInvalidUtf8Offset(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
