namespace ChordKvs.Core.Storage;

/// <summary>The verdict of <see cref="KeyValidator"/> or <see cref="JsonValueValidator"/>.</summary>
/// <param name="Failure">What is wrong, or <see cref="ValidationFailure.None"/>.</param>
/// <param name="Message">A sentence a person can act on, naming the problem and where it is; empty when valid.</param>
/// <param name="Position">
/// Where the problem is: a byte offset into a value, a character index into a key; null when the problem has no
/// single place (empty or too large).
/// </param>
public readonly record struct InputValidationResult(ValidationFailure Failure, string Message, long? Position)
{
    /// <summary>The verdict for acceptable input.</summary>
    public static InputValidationResult Valid => new(ValidationFailure.None, string.Empty, null);

    /// <summary>Whether the input is acceptable.</summary>
    public bool IsValid => Failure == ValidationFailure.None;

    /// <summary>A rejection for the reason <paramref name="failure"/>.</summary>
    public static InputValidationResult Invalid(ValidationFailure failure, string message, long? position = null)
    {
        if (failure == ValidationFailure.None)
        {
            throw new ArgumentOutOfRangeException(nameof(failure), "A rejection needs a reason other than None.");
        }

        return new InputValidationResult(failure, message, position);
    }
}
