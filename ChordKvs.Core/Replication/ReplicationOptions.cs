using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>How many copies of each key the ring keeps and how many must answer a write or a read.</summary>
public sealed class ReplicationOptions
{
    /// <summary>
    /// N: how many distinct nodes hold each key — the responsible node and the next N − 1 distinct nodes of its
    /// successor list. Default 3. A ring with fewer nodes keeps every key on every node.
    /// </summary>
    public int ReplicaCount { get; set; } = 3;

    /// <summary>W: replicas that must hold a write before it is acknowledged. Default null: a majority of N.</summary>
    public int? WriteQuorum { get; set; }

    /// <summary>R: replicas consulted by a read, which returns the newest version among them. Default null: a majority of N.</summary>
    public int? ReadQuorum { get; set; }

    /// <summary>
    /// How long a delete's tombstone is kept so that a replica that missed the delete cannot bring the key back.
    /// Default 1 hour; it must exceed the longest time a replica can be away and come back with old data.
    /// </summary>
    public TimeSpan TombstoneGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many entries one range-transfer message carries when keys move between nodes. Default 512.</summary>
    public int TransferBatchSize { get; set; } = 512;

    /// <summary>
    /// Mean time between two anti-entropy passes, in which each node compares its own range with its replicas by
    /// digest, moves what differs, purges expired tombstones and drops keys it no longer replicates. Default 30
    /// seconds, jittered by ±50 % so that nodes do not act in lockstep. Routing changes trigger a pass sooner (see
    /// <see cref="RebalanceDelay"/>); the periodic pass repairs what nobody reads.
    /// </summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a change of its predecessor or replica successors a node starts re-replicating its range.
    /// Default 1 second: long enough that the changes of one join or failure are handled in one pass, short enough
    /// that keys are soon back to N copies.
    /// </summary>
    public TimeSpan RebalanceDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Into how many equal parts anti-entropy cuts a range before comparing digests: only parts whose digests differ
    /// are transferred. Default 16.
    /// </summary>
    public int AntiEntropySegments { get; set; } = 16;

    /// <summary>The write quorum in force for a ring of this replica count: the setting, or a majority.</summary>
    public int EffectiveWriteQuorum => WriteQuorum ?? ((ReplicaCount / 2) + 1);

    /// <summary>The read quorum in force for a ring of this replica count: the setting, or a majority.</summary>
    public int EffectiveReadQuorum => ReadQuorum ?? ((ReplicaCount / 2) + 1);

    /// <summary>Throws when a setting is out of range, naming the setting.</summary>
    public void Validate()
    {
        if (ReplicaCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReplicaCount), ReplicaCount, "At least one replica is needed.");
        }

        if (WriteQuorum is { } w && (w < 1 || w > ReplicaCount))
        {
            throw new ArgumentOutOfRangeException(nameof(WriteQuorum), w, $"The write quorum must be between 1 and the replica count {ReplicaCount}.");
        }

        if (ReadQuorum is { } r && (r < 1 || r > ReplicaCount))
        {
            throw new ArgumentOutOfRangeException(nameof(ReadQuorum), r, $"The read quorum must be between 1 and the replica count {ReplicaCount}.");
        }

        if (TombstoneGracePeriod <= TimeSpan.Zero || TransferBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TombstoneGracePeriod), "The tombstone grace period and transfer batch size must be positive.");
        }

        if (AntiEntropyInterval <= TimeSpan.Zero || RebalanceDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AntiEntropyInterval), "The anti-entropy interval must be positive and the rebalance delay not negative.");
        }

        if (AntiEntropySegments is < 1 or > RingArc.MaxSegments)
        {
            throw new ArgumentOutOfRangeException(nameof(AntiEntropySegments), AntiEntropySegments, $"Anti-entropy cuts a range into 1 to {RingArc.MaxSegments} parts.");
        }
    }
}
