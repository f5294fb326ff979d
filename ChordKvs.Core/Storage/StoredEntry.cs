using System.Text.Json.Serialization;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Storage;

/// <summary>
/// One key's state on a node: either a live JSON value (which may expire) or a tombstone left by a delete, with
/// the version that decides which of two states for the same key wins. Immutable.
/// </summary>
/// <remarks>
/// <para>
/// A store holds one of these per key, so its layout is kept lean on purpose (about 64 bytes besides the key
/// and value): the version is two 64-bit words, the purge time is kept as UTC ticks rather than a nullable
/// <see cref="DateTimeOffset"/> (which would take 24 bytes), and <see cref="KeyId"/> is computed once here
/// instead of on every range scan.
/// </para>
/// <para>
/// <see cref="KeyId"/> is always derived from <see cref="Key"/>, never taken from a message, so an entry from a
/// peer cannot be filed under the wrong ring position. It is therefore not part of the JSON form.
/// </para>
/// <para>
/// A value written with a time to live carries its absolute <see cref="ExpiresAt"/>, fixed by the node that took
/// the write, so that every replica agrees on when it expires whatever the delay with which it received it.
/// From that moment the value reads as absent (<see cref="AsOf"/>), and the store's maintenance turns it into a
/// tombstone of the same version, which frees the value and, like a delete's tombstone, keeps an older version on
/// a stale replica from coming back.
/// </para>
/// <para>
/// Two entries are equal when key, value bytes, version, purge time and expiry are equal.
/// </para>
/// </remarks>
public sealed class StoredEntry : IEquatable<StoredEntry>
{
    // 0 means "not a tombstone"; a tombstone's purge time is never the year 1 in practice.
    private readonly long _purgeAfterUtcTicks;

    // 0 means "never expires"; like the purge time, kept as ticks to keep the entry small.
    private readonly long _expiresAtUtcTicks;

    /// <summary>Creates an entry; <see cref="Live"/> and <see cref="Tombstone"/> say what is meant more plainly.</summary>
    /// <param name="key">The key, as the client wrote it.</param>
    /// <param name="value">The UTF-8 JSON bytes as written, or null for a tombstone. Not copied: the entry takes ownership.</param>
    /// <param name="version">The write's version.</param>
    /// <param name="purgeAfter">For a tombstone, when it may be purged; null for a live value.</param>
    /// <param name="expiresAt">For a live value written with a time to live, when it expires; null otherwise.</param>
    /// <exception cref="ArgumentException">A live value with a purge time, a tombstone without one, or a tombstone with an expiry.</exception>
    [JsonConstructor]
    public StoredEntry(string key, byte[]? value, EntryVersion version, DateTimeOffset? purgeAfter, DateTimeOffset? expiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (value is null != purgeAfter.HasValue)
        {
            throw new ArgumentException(
                value is null
                    ? $"The tombstone for key '{key}' needs a purge time."
                    : $"The live value for key '{key}' cannot have a purge time; only tombstones are purged.",
                nameof(purgeAfter));
        }

        if (purgeAfter is { UtcTicks: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(purgeAfter), "A tombstone's purge time must be after the year 1.");
        }

        if (expiresAt is { } expiry && (value is null || expiry.UtcTicks == 0))
        {
            throw new ArgumentException(
                value is null ? $"The tombstone for key '{key}' cannot expire; only live values do." : "An expiry must be after the year 1.",
                nameof(expiresAt));
        }

        Key = key;
        KeyId = NodeId.ForKey(key);
        Value = value;
        Version = version;
        _purgeAfterUtcTicks = purgeAfter?.UtcTicks ?? 0;
        _expiresAtUtcTicks = expiresAt?.UtcTicks ?? 0;
    }

    /// <summary>The key, as the client wrote it.</summary>
    public string Key { get; }

    /// <summary>The key's position on the ring, <see cref="NodeId.ForKey"/> of <see cref="Key"/>.</summary>
    [JsonIgnore]
    public NodeId KeyId { get; }

    /// <summary>
    /// The value's UTF-8 JSON bytes exactly as written, or null for a tombstone. Shared, not copied: treat as
    /// read-only.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1819", Justification = "Values are up to 1 MiB and read on every GET; copying them to enforce immutability would double the cost. The array is read-only by contract.")]
    public byte[]? Value { get; }

    /// <summary>The version of the write that produced this state.</summary>
    public EntryVersion Version { get; }

    /// <summary>For a tombstone, the time after which it may be purged; null for a live value.</summary>
    public DateTimeOffset? PurgeAfter => _purgeAfterUtcTicks == 0 ? null : new DateTimeOffset(_purgeAfterUtcTicks, TimeSpan.Zero);

    /// <summary>For a live value written with a time to live, the moment from which it reads as absent; null otherwise.</summary>
    public DateTimeOffset? ExpiresAt => _expiresAtUtcTicks == 0 ? null : new DateTimeOffset(_expiresAtUtcTicks, TimeSpan.Zero);

    /// <summary>Whether this is a delete marker rather than a value.</summary>
    [JsonIgnore]
    public bool IsTombstone => Value is null;

    /// <summary>The size of the value in bytes; 0 for a tombstone.</summary>
    [JsonIgnore]
    public int ValueLength => Value?.Length ?? 0;

    /// <summary>A live value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The UTF-8 JSON bytes as written. Not copied: the entry takes ownership.</param>
    /// <param name="version">The write's version.</param>
    /// <param name="expiresAt">When the value expires, or null when it does not.</param>
    public static StoredEntry Live(string key, byte[] value, EntryVersion version, DateTimeOffset? expiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new StoredEntry(key, value, version, purgeAfter: null, expiresAt);
    }

    /// <summary>A tombstone: the key was deleted by the write <paramref name="version"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The delete's version.</param>
    /// <param name="purgeAfter">
    /// When the tombstone may be forgotten: late enough that every replica that missed the delete has been
    /// repaired, or a stale replica could bring the key back.
    /// </param>
    public static StoredEntry Tombstone(string key, EntryVersion version, DateTimeOffset purgeAfter) =>
        new(key, value: null, version, purgeAfter);

    /// <summary>Whether this is a live value whose expiry is at or before <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => _expiresAtUtcTicks != 0 && now.UtcTicks >= _expiresAtUtcTicks;

    /// <summary>
    /// This entry as it stands at <paramref name="now"/>: itself, or, for a value that has expired, the tombstone of
    /// the same version, purged <paramref name="gracePeriod"/> after the expiry (so every replica computes the same one).
    /// </summary>
    public StoredEntry AsOf(DateTimeOffset now, TimeSpan gracePeriod) =>
        IsExpiredAt(now) ? Tombstone(Key, Version, new DateTimeOffset(_expiresAtUtcTicks, TimeSpan.Zero) + gracePeriod) : this;

    /// <summary>Whether this is a tombstone whose purge time lies strictly before <paramref name="now"/>.</summary>
    public bool IsPurgeableAt(DateTimeOffset now) => _purgeAfterUtcTicks != 0 && now.UtcTicks > _purgeAfterUtcTicks;

    /// <inheritdoc />
    public bool Equals(StoredEntry? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Version == other.Version
                && _purgeAfterUtcTicks == other._purgeAfterUtcTicks
                && _expiresAtUtcTicks == other._expiresAtUtcTicks
                && string.Equals(Key, other.Key, StringComparison.Ordinal)
                && (Value is null ? other.Value is null : other.Value is not null && Value.AsSpan().SequenceEqual(other.Value))));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as StoredEntry);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(KeyId, Version);

    /// <summary>The key, version and either the value's size (and expiry) or the purge time, for logs and test failures.</summary>
    public override string ToString() =>
        IsTombstone
            ? $"{Key} @ {Version}: tombstone, purge after {PurgeAfter:O}"
            : $"{Key} @ {Version}: {ValueLength} bytes{(ExpiresAt is { } expiry ? $", expires at {expiry:O}" : string.Empty)}";
}
