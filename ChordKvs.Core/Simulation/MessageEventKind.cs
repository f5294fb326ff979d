namespace ChordKvs.Core.Simulation;

/// <summary>What happened to a message; part of every event folded into <see cref="SimulatedNetwork.TraceHash"/>.</summary>
/// <remarks>The numeric values enter the hash, so they must never change.</remarks>
internal enum MessageEventKind
{
    /// <summary>A request reached its target's handler.</summary>
    Request = 1,

    /// <summary>A reply reached the sender.</summary>
    Reply = 2,

    /// <summary>A request or reply was dropped (lost, an endpoint down, or partitioned).</summary>
    Drop = 3,

    /// <summary>The sender stopped waiting: the request timeout passed first.</summary>
    Timeout = 4,

    /// <summary>The sender stopped waiting: its cancellation token was cancelled first.</summary>
    Cancel = 5,

    /// <summary>The target's handler threw; the sender's call fails with that exception.</summary>
    HandlerFault = 6,
}
