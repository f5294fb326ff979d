namespace ChordKvs.Tests.Chaos;

/// <summary>The shape of a chaos run: cluster size, how long faults are injected, how many, and the client load.</summary>
public sealed record ChaosSettings
{
    /// <summary>Nodes that form the ring before the first fault.</summary>
    public int InitialNodes { get; init; } = 8;

    /// <summary>Crashes and leaves never take the cluster below this many live nodes.</summary>
    public int MinLiveNodes { get; init; } = 5;

    /// <summary>Faults are injected, and clients run, for this long.</summary>
    public TimeSpan FaultPhase { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The fewest faults a generated schedule holds.</summary>
    public int MinFaults { get; init; } = 3;

    /// <summary>The most faults a generated schedule holds.</summary>
    public int MaxFaults { get; init; } = 9;

    /// <summary>
    /// The shortest time between two faults that each take a copy of some keys away (crash, leave). A write
    /// acknowledged by W = 2 replicas survives one such fault; the spacing gives the ring time to notice and
    /// anti-entropy time to copy the keys again before the next one, which is the failure model the store promises.
    /// </summary>
    public TimeSpan LossSpacing { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Concurrent clients, each issuing one operation at a time.</summary>
    public int Clients { get; init; } = 4;

    /// <summary>Distinct keys the clients work on; few, so that writes to one key overlap.</summary>
    public int Keys { get; init; } = 10;

    /// <summary>The longest pause of a client between two operations.</summary>
    public TimeSpan MaxThinkTime { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>A client gives up on an operation after this long; its outcome is then unknown.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the cluster may take to converge once the faults have stopped.</summary>
    public TimeSpan SettleLimit { get; init; } = TimeSpan.FromMinutes(5);
}
