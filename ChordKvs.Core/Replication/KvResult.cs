using System.Text.Json.Serialization;
using ChordKvs.Core.Storage;

namespace ChordKvs.Core.Replication;

/// <summary>The result of a client read, write or delete.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Version">The version read or written; for <see cref="KvOutcome.PreconditionFailed"/> the current one, if any.</param>
/// <param name="Value">For <see cref="KvOutcome.Found"/>, the UTF-8 JSON exactly as written.</param>
/// <param name="Acknowledged">How many replicas answered (writes: stored it; reads: replied).</param>
/// <param name="Required">How many replicas the quorum needed.</param>
/// <param name="Problem">For failures, a sentence a person can act on; null on success.</param>
public sealed record KvResult(
    KvOutcome Outcome,
    EntryVersion? Version = null,
    byte[]? Value = null,
    int Acknowledged = 0,
    int Required = 0,
    string? Problem = null)
{
    /// <summary>Whether the operation did what was asked (found, created, replaced, deleted).</summary>
    [JsonIgnore]
    public bool Succeeded => Outcome is KvOutcome.Found or KvOutcome.Created or KvOutcome.Replaced or KvOutcome.Deleted;
}
