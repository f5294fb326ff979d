namespace ChordKvs.Core.Storage;

/// <summary>What is wrong with a client's key or value; the HTTP layer maps it to a status code.</summary>
public enum ValidationFailure
{
    /// <summary>Nothing: the input is acceptable.</summary>
    None,

    /// <summary>The input is empty.</summary>
    Empty,

    /// <summary>The input is over its configured size limit (HTTP 413).</summary>
    TooLarge,

    /// <summary>The input is not well-formed Unicode: invalid UTF-8 bytes or an unpaired UTF-16 surrogate.</summary>
    InvalidEncoding,

    /// <summary>The key holds a character that keys may not contain.</summary>
    ForbiddenCharacter,

    /// <summary>The value is not exactly one well-formed JSON value.</summary>
    InvalidJson,

    /// <summary>The value nests arrays and objects deeper than the configured limit.</summary>
    TooDeep,
}
