namespace ChordKvs.Host.Simulator;

/// <summary>How nodes depart in the churn experiment.</summary>
internal enum Departure
{
    /// <summary>The node crashes: it stops answering and tells no one (the brief's "failures").</summary>
    Fail,

    /// <summary>The node leaves gracefully: it tells its predecessor and successor first (the paper's "voluntary leaves").</summary>
    Leave,
}
