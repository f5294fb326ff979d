using System.Globalization;
using System.Text;

namespace ChordKvs.Core.Storage;

/// <summary>
/// Checks that a key is acceptable: non-empty, well-formed Unicode (no unpaired UTF-16 surrogate, so it has
/// exactly one UTF-8 form and hashes to one ring position), free of control characters (which break logs and
/// headers), and within the configured size in UTF-8 bytes. Any other character, <c>/</c> included, is allowed.
/// </summary>
/// <remarks><see cref="Validate"/> never throws for bad input; it says what is wrong and at which character.</remarks>
public sealed class KeyValidator
{
    private readonly int _maxKeyBytes;

    /// <summary>Creates a validator enforcing <paramref name="limits"/> as they are now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public KeyValidator(StoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        _maxKeyBytes = limits.MaxKeyBytes;
    }

    /// <summary>Checks <paramref name="key"/>; see the class summary.</summary>
    public InputValidationResult Validate(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return InputValidationResult.Invalid(ValidationFailure.Empty, "The key is empty; a key needs at least one character.");
        }

        // Every UTF-16 code unit becomes at least one UTF-8 byte, so an overlong key is rejected before it is scanned.
        if (key.Length > _maxKeyBytes)
        {
            return TooLong(Encoding.UTF8.GetByteCount(key));
        }

        for (var index = 0; index < key.Length; index++)
        {
            var c = key[index];
            if (char.IsHighSurrogate(c) && index + 1 < key.Length && char.IsLowSurrogate(key[index + 1]))
            {
                index++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return InputValidationResult.Invalid(
                    ValidationFailure.InvalidEncoding,
                    Invariant($"The key has an unpaired UTF-16 surrogate U+{(int)c:X4} at character index {index}; a key must be valid Unicode text."),
                    index);
            }

            if (char.IsControl(c))
            {
                return InputValidationResult.Invalid(
                    ValidationFailure.ForbiddenCharacter,
                    Invariant($"The key has the control character U+{(int)c:X4} at character index {index}; keys may not contain control characters."),
                    index);
            }
        }

        var byteCount = Encoding.UTF8.GetByteCount(key);
        return byteCount > _maxKeyBytes ? TooLong(byteCount) : InputValidationResult.Valid;
    }

    private InputValidationResult TooLong(int byteCount) =>
        InputValidationResult.Invalid(
            ValidationFailure.TooLarge,
            Invariant($"The key is {byteCount} UTF-8 bytes; the limit is {_maxKeyBytes} bytes."));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
