namespace ChordKvs.Core.Replication;

/// <summary>What a client operation on a <see cref="ChordKvsNode"/> came to; the REST layer maps each to a status code.</summary>
public enum KvOutcome
{
    /// <summary>A read found a live value (HTTP 200).</summary>
    Found,

    /// <summary>A read or delete found no live value: never written, deleted, or expired (HTTP 404).</summary>
    NotFound,

    /// <summary>A write stored a value where there was none (HTTP 201).</summary>
    Created,

    /// <summary>A write replaced a live value (HTTP 204).</summary>
    Replaced,

    /// <summary>A delete replaced a live value by a tombstone (HTTP 204).</summary>
    Deleted,

    /// <summary>A write's precondition did not hold; nothing changed (HTTP 412).</summary>
    PreconditionFailed,

    /// <summary>The request was malformed: bad key, bad JSON, a quorum outside 1..N (HTTP 400).</summary>
    Invalid,

    /// <summary>The key or value exceeded the configured limits (HTTP 413 for a value, 400 for a key).</summary>
    TooLarge,

    /// <summary>Fewer replicas answered than the quorum needs (HTTP 503 with Retry-After).</summary>
    Unavailable,

    /// <summary>The responsible node could not be found before the lookup deadline (HTTP 504).</summary>
    LookupTimedOut,
}
