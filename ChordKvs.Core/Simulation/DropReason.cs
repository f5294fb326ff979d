namespace ChordKvs.Core.Simulation;

/// <summary>Why the simulated network did not deliver a message; shown in readable trace lines.</summary>
internal enum DropReason
{
    /// <summary>The message is delivered.</summary>
    None,

    /// <summary>The node the message travels to is down, has crashed since, or has no handler for requests.</summary>
    DestinationDown,

    /// <summary>The node that sent the message is down or has crashed since it sent it.</summary>
    SourceDown,

    /// <summary>The two nodes are on different sides of a partition.</summary>
    Partitioned,

    /// <summary>The message was lost, by the draw against the loss rate made when it was sent.</summary>
    Lost,
}
