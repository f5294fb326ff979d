using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Core;

/// <summary>Every setting of a <see cref="ChordKvsNode"/>: the ring protocol, replication and input limits.</summary>
public sealed class ChordKvsOptions
{
    /// <summary>The Chord ring protocol settings.</summary>
    public ChordOptions Ring { get; set; } = new();

    /// <summary>Replica count, quorums, tombstone grace period.</summary>
    public ReplicationOptions Replication { get; set; } = new();

    /// <summary>Key and value size limits.</summary>
    public StoreLimits Limits { get; set; } = new();

    /// <summary>Throws when any setting is out of range, naming it.</summary>
    public void Validate()
    {
        Ring.Validate();
        Replication.Validate();
        Limits.Validate();
        if (Ring.SuccessorListLength < Replication.ReplicaCount - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Ring), $"The successor list ({Ring.SuccessorListLength}) must hold at least ReplicaCount − 1 = {Replication.ReplicaCount - 1} nodes.");
        }
    }
}
