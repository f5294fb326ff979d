using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Transport.Http;

/// <summary>
/// <c>POST /internal/v1/nodes/{nodeId}/rpc</c>: reads one <see cref="NodeRequest"/>, hands it to the local
/// node's <see cref="INodeRequestHandler"/> and writes its <see cref="NodeReply"/>.
/// </summary>
/// <remarks>
/// Every failure is an <c>application/problem+json</c> answer: 400 for a body that is not a node request or that
/// ends before its announced length (a sender that gave up or crashed mid-call), or a path segment that is not a
/// node identifier; 404 for a node this process does not host, 500 when the handler
/// throws. The cluster secret is checked before this runs, by <see cref="ClusterSecretEndpointFilter"/>.
/// </remarks>
internal sealed class NodeRpcEndpoint(LocalNodeRegistry registry, NodeMessageSerializer serializer, ILogger logger)
{
    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> HandleAsync(string nodeId, HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var cancellationToken = httpContext.RequestAborted;
        if (!NodeId.TryParse(nodeId, out var id))
        {
            return Reject(nodeId, StatusCodes.Status400BadRequest, "Invalid node identifier",
                $"'{nodeId}' is not a node identifier: expected up to 16 hexadecimal digits.");
        }

        if (!registry.TryGetHandler(id, out var handler))
        {
            return Reject(nodeId, StatusCodes.Status404NotFound, "Unknown node",
                $"This process does not host node {id}: the node has left or restarted under another identifier.");
        }

        NodeRequest? request;
        try
        {
            request = await serializer.ReadRequestAsync(httpContext.Request.Body, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return Reject(nodeId, StatusCodes.Status400BadRequest, "Malformed node request",
                $"The body is not a ChordKvs node request ({ex.Message}); the sending node may run an incompatible version.");
        }
        catch (BadHttpRequestException ex)
        {
            // The body ended early or arrived too slowly: most often the sender gave up on the call or crashed
            // while sending. Nothing was handled, and it is no failure of this node.
            return Reject(nodeId, ex.StatusCode, "Unreadable node request", $"The request body could not be read: {ex.Message}");
        }

        if (request is null)
        {
            return Reject(nodeId, StatusCodes.Status400BadRequest, "Malformed node request",
                "The body is the JSON literal null; expected a node request object with a \"$type\" property.");
        }

        byte[] body;
        try
        {
            var reply = await handler.HandleAsync(request, cancellationToken)
                ?? throw new InvalidOperationException($"The handler of node {id} answered {request.GetType().Name} with null.");
            body = serializer.SerializeReply(reply);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up (attempt timeout or cancellation); ASP.NET Core treats this as an aborted request.
            throw;
        }
        catch (Exception ex)
        {
            // Whatever the handler throws must reach the caller as a failed call, not as a dropped connection.
            Log.HandlerFailed(logger, ex, id, request.GetType().Name);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status500InternalServerError,
                title: "Node request failed",
                detail: $"Node {id} failed to handle {request.GetType().Name} ({ex.GetType().Name}); its log has the details.");
        }

        return TypedResults.Bytes(body, NodeMessageSerializer.MediaType);
    }

    private ProblemHttpResult Reject(string nodeId, int statusCode, string title, string detail)
    {
        Log.RequestRejected(logger, nodeId, detail);
        return TypedResults.Problem(statusCode: statusCode, title: title, detail: detail);
    }
}
