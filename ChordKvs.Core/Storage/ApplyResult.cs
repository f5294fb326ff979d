namespace ChordKvs.Core.Storage;

/// <summary>The result of <see cref="VersionedStore.Apply"/>.</summary>
/// <param name="Outcome">Whether the incoming entry was inserted, replaced an older one, or lost.</param>
/// <param name="Previous">
/// The entry stored before the call: the one replaced, or the one that won when the incoming entry was
/// ignored; null when the key was not stored. Lets a caller tell "created" from "replaced a live value" from
/// "replaced a tombstone" without a second lookup.
/// </param>
public readonly record struct ApplyResult(ApplyOutcome Outcome, StoredEntry? Previous);
