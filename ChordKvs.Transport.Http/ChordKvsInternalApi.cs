using ChordKvs.Core.Ring;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Paths and headers of the node-to-node HTTP API. Everything under <see cref="PathPrefix"/> is for other
/// nodes only and is guarded by the cluster secret; clients use the public <c>/kv</c> and <c>/cluster</c> API.
/// </summary>
public static class ChordKvsInternalApi
{
    /// <summary>The path prefix of every internal endpoint, versioned so that the wire format can evolve.</summary>
    public const string PathPrefix = "/internal/v1";

    /// <summary>The request header that carries the cluster secret.</summary>
    public const string SecretHeaderName = "X-ChordKvs-Secret";

    /// <summary>The path of the RPC endpoint of one node: <c>/internal/v1/nodes/{nodeId}/rpc</c>.</summary>
    /// <remarks>
    /// The node identifier is part of the path because several virtual nodes can share one address.
    /// </remarks>
    public static string RpcPath(NodeId nodeId) => $"{PathPrefix}/nodes/{nodeId}/rpc";

    /// <summary>
    /// The path of the batch endpoint, <c>/internal/v1/batch</c>: several requests to the nodes of one process in one
    /// round trip, each naming its node.
    /// </summary>
    public const string BatchPath = PathPrefix + "/batch";

    /// <summary>
    /// The path of the peer stream, <c>/internal/v1/stream</c>: a WebSocket that carries request batches and their
    /// replies between two node processes without an HTTP request each.
    /// </summary>
    public const string StreamPath = PathPrefix + "/stream";
}
