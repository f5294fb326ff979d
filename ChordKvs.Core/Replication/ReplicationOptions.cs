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
    /// Mean time between two anti-entropy passes, in which each node compares digests of its own range with its
    /// replicas and exchanges entries where they differ. Default 5 seconds; a change of neighbours also starts a pass.
    /// </summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a coordinator waits for replicas before it answers with what it has. Default 500 ms. It must be
    /// shorter than the transport's timeout for one call, because the coordinator's answer travels back inside the
    /// call that forwarded the client's request to it. A replica silent for a quarter of it is not yet given up,
    /// but the next successor is asked as well, so that a stand-in can take a down replica's place in time.
    /// </summary>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a peer that failed to answer a replica call stays suspected of being down. Default 5 seconds. While
    /// suspected, coordinators write to and read from the next live successor instead of waiting for it (a sloppy
    /// quorum), and the receiving node forwards a client operation to the next node of the key's successor list.
    /// Any answer from the peer ends the suspicion at once. Failures are detected by timeouts: a replica call that
    /// does not finish within <see cref="ReplicaTimeout"/>, a forwarded call within the transport's timeout
    /// (simulated network: twice <see cref="ReplicaTimeout"/>; HTTP: <c>Transport:AttemptTimeout</c>, 1 s), and
    /// for ring membership, a successor or predecessor that misses one stabilize or check_predecessor round
    /// (<see cref="Ring.ChordOptions"/>: every 1 s and 2 s on average).
    /// </summary>
    public TimeSpan SuspicionPeriod { get; set; } = TimeSpan.FromSeconds(5);

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

        if (TombstoneGracePeriod <= TimeSpan.Zero || TransferBatchSize < 1 || AntiEntropyInterval <= TimeSpan.Zero || ReplicaTimeout <= TimeSpan.Zero || SuspicionPeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TombstoneGracePeriod), "The tombstone grace period, transfer batch size, anti-entropy interval and replica timeout must be positive, the suspicion period not negative.");
        }
    }
}
