using ChordKvs.Core.Storage;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Preconditions of a write, as HTTP's <c>If-Match</c> and <c>If-None-Match</c> express them. A write whose
/// condition fails changes nothing and reports <see cref="KvOutcome.PreconditionFailed"/>.
/// </summary>
/// <param name="IfMatch">Write only if the key's current version is this one (<c>If-Match: "etag"</c>).</param>
/// <param name="IfExists">Write only if the key currently has a value (<c>If-Match: *</c>).</param>
/// <param name="IfAbsent">Write only if the key currently has no value (<c>If-None-Match: *</c>): create-only.</param>
public readonly record struct WriteConditions(EntryVersion? IfMatch = null, bool IfExists = false, bool IfAbsent = false)
{
    /// <summary>No precondition.</summary>
    public static WriteConditions None => default;

    /// <summary>Whether a key whose current state is <paramref name="current"/> (null or a tombstone when absent) meets these conditions.</summary>
    public bool IsMetBy(StoredEntry? current)
    {
        var live = current is { IsTombstone: false } ? current : null;
        return (IfMatch is not { } expected || (live is not null && live.Version == expected))
            && (!IfExists || live is not null)
            && (!IfAbsent || live is null);
    }
}
