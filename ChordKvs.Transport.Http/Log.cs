using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Transport.Http;

/// <summary>Source-generated log messages of the HTTP transport.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Node {NodeId} failed to handle {RequestType}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, NodeId nodeId, string requestType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Rejected an internal request for node {NodeId}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string nodeId, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Node {Node} is starting (random seed {Seed})")]
    public static partial void NodeStarting(ILogger logger, NodeInfo node, int seed);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Node {Node} started a new ring")]
    public static partial void RingCreated(ILogger logger, NodeInfo node);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Node {Node} joined the ring through {Bootstrap} on attempt {Attempt}")]
    public static partial void Joined(ILogger logger, NodeInfo node, NodeInfo bootstrap, int attempt);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Node {Node} could not join the ring through {JoinUrl} on attempt {Attempt}: {Reason}; retrying in {DelayMs} ms")]
    public static partial void JoinFailed(ILogger logger, NodeInfo node, string joinUrl, int attempt, string reason, long delayMs);

    [LoggerMessage(EventId = 14, Level = LogLevel.Critical, Message = "Node {Node} cannot join the ring: {Reason}; stopping")]
    public static partial void JoinImpossible(ILogger logger, NodeInfo node, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Node {Node} is leaving the ring")]
    public static partial void Leaving(ILogger logger, NodeInfo node);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Node {Node} left the ring")]
    public static partial void Left(ILogger logger, NodeInfo node);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "Node {Node} stopped without a graceful leave; its neighbours will repair the ring as after a crash")]
    public static partial void LeaveFailed(ILogger logger, Exception exception, NodeInfo node);

    [LoggerMessage(EventId = 18, Level = LogLevel.Information, Message = "The successor list is lengthened from {Configured} to {Needed} entries, so that with {VirtualNodes} virtual nodes per host it always names enough other hosts for every replica")]
    public static partial void SuccessorListLengthened(ILogger logger, int configured, int needed, int virtualNodes);

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "A client request for key {Key} came to {Outcome}: {Problem}")]
    public static partial void ClientRequestUnserved(ILogger logger, string key, KvOutcome outcome, string? problem);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Looking up the arc around candidate identifier {Candidate} for a virtual node failed ({Reason}); the candidate counts as in an arc of unknown length")]
    public static partial void PlacementLookupFailed(ILogger logger, NodeId candidate, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Virtual node {Index} is placed at {Chosen}, the one of its {Candidates} candidate identifiers in the longest arc of the ring")]
    public static partial void MemberPlaced(ILogger logger, int index, NodeId chosen, int candidates);
}
