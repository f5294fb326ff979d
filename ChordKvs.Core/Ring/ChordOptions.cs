namespace ChordKvs.Core.Ring;

/// <summary>Settings of the Chord ring protocol run by each <see cref="ChordNode"/>.</summary>
public sealed class ChordOptions
{
    /// <summary>
    /// Length r of the successor list. Default 8. The ring survives the simultaneous failure of r − 1
    /// consecutive nodes; replication needs at least N − 1 distinct successors.
    /// </summary>
    public int SuccessorListLength { get; set; } = 8;

    /// <summary>Mean time between two stabilize rounds. Default 1 second.</summary>
    public TimeSpan StabilizeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Mean time between two refreshes of the whole finger table. Default 5 seconds.</summary>
    public TimeSpan FixFingersInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Mean time between two liveness checks of the predecessor. Default 2 seconds.</summary>
    public TimeSpan CheckPredecessorInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far each maintenance period is randomly stretched or shrunk, as a fraction of it (0.5 means
    /// anywhere from half to one and a half periods). Default 0.5. Jitter keeps nodes from acting in lockstep.
    /// </summary>
    public double MaintenanceJitter { get; set; } = 0.5;

    /// <summary>
    /// The most nodes one lookup may contact, answered or not, before it fails. Default 64: far above the
    /// O(log N) a healthy ring needs, so it only stops lookups that make no progress.
    /// </summary>
    public int LookupHopLimit { get; set; } = 64;

    /// <summary>How long one lookup may take in all before it fails. Default 10 seconds.</summary>
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many next-hop candidates a node returns when it cannot answer a lookup step itself, best first.
    /// Default 4: the asker falls back to the next one when the best is dead.
    /// </summary>
    public int NextHopCandidates { get; set; } = 4;

    /// <summary>Throws when a setting is out of range, naming the setting.</summary>
    public void Validate()
    {
        if (SuccessorListLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SuccessorListLength), SuccessorListLength, "The successor list needs at least one entry.");
        }

        if (StabilizeInterval <= TimeSpan.Zero || FixFingersInterval <= TimeSpan.Zero || CheckPredecessorInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StabilizeInterval), "Maintenance intervals must be positive.");
        }

        if (MaintenanceJitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaintenanceJitter), MaintenanceJitter, "Jitter is a fraction from 0 up to (not including) 1.");
        }

        if (LookupHopLimit < 1 || NextHopCandidates < 1 || LookupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LookupHopLimit), "Lookup limits must be positive.");
        }
    }
}
