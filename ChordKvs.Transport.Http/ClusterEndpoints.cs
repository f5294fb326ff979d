using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChordKvs.Transport.Http;

/// <summary><c>GET /cluster</c> (this node's view) and <c>GET /cluster/nodes</c> (the whole ring, walked from here).</summary>
internal sealed class ClusterEndpoints(ChordKvsNodeService service, ChordKvsNodeOptions options)
{
    /// <summary>The path of this node's view.</summary>
    public const string Prefix = "/cluster";

    /// <summary>
    /// <c>GET /cluster</c>: this node's <see cref="NodeStatus"/>. Answered while the node is still joining (its
    /// status then says <see cref="ChordNodeStatus.Created"/>), so that operators and joining nodes can tell
    /// a node that is up but not yet in the ring from one that is down.
    /// </summary>
    public Results<JsonHttpResult<NodeStatus>, ProblemHttpResult> Describe(HttpContext context)
    {
        if (service.Node is not { } node)
        {
            return ClientProblems.Unavailable(context, options.RetryAfter, "Node not ready",
                "This node has not started its ring node yet; retry shortly.");
        }

        return TypedResults.Json(node.Describe(), ClientApiJsonContext.Default.NodeStatus);
    }

    /// <summary><c>GET /cluster/nodes</c>: every node found by walking successor pointers from this one.</summary>
    public async Task<Results<JsonHttpResult<RingDescription>, ProblemHttpResult>> DescribeRingAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!service.TryGetMember(out var node, out var reason))
        {
            return ClientProblems.Unavailable(context, options.RetryAfter, "Node not ready", reason);
        }

        try
        {
            var nodes = await node.DescribeRingAsync(cancellationToken);
            return TypedResults.Json(new RingDescription(nodes.Count, nodes), ClientApiJsonContext.Default.RingDescription);
        }
        catch (Exception ex) when (ex is NodeUnreachableException or LookupFailedException)
        {
            return ClientProblems.Unavailable(context, options.RetryAfter, "Ring walk failed",
                $"The ring could not be walked from this node: {ex.Message} The ring may be repairing itself after a failure; retry shortly.");
        }
    }
}
