using System.Text.Json;
using System.Text.Json.Nodes;
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
    /// <c>GET /cluster</c>: the <see cref="NodeStatus"/> of this host's first ring member, and under <c>members</c>
    /// the status of every ring member (virtual node) the host runs, the first included. Answered while the members
    /// are still joining (their status then says <see cref="ChordNodeStatus.Created"/>), so that operators and
    /// joining nodes can tell a node that is up but not yet in the ring from one that is down.
    /// </summary>
    public Results<JsonHttpResult<JsonObject>, ProblemHttpResult> Describe(HttpContext context)
    {
        var members = service.Members;
        if (members.Count == 0)
        {
            return ClientProblems.Unavailable(context, options.RetryAfter, "Node not ready",
                "This node has not started its ring node yet; retry shortly.");
        }

        var statuses = members.Select(member => member.Describe()).ToList();
        var view = JsonSerializer.SerializeToNode(statuses[0], ClientApiJsonContext.Default.NodeStatus)!.AsObject();
        view["members"] = JsonSerializer.SerializeToNode(statuses, ClientApiJsonContext.Default.ListNodeStatus);
        return TypedResults.Json(view, ClientApiJsonContext.Default.JsonObject);
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
