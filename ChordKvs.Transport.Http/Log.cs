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
}
