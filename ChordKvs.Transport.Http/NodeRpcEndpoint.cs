using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Transport.Http;

/// <summary>
/// <c>POST /internal/v1/nodes/{nodeId}/rpc</c>: reads one <see cref="NodeRequest"/>, hands it to the local
/// node's <see cref="INodeRequestHandler"/> and writes its <see cref="NodeReply"/>; and
/// <c>POST /internal/v1/batch</c> (<see cref="HandleBatchAsync"/>), which does the same for several requests at once
/// (<see cref="AnswerBatch"/>, which also serves the peer stream).
/// </summary>
/// <remarks>
/// Every failure is an <c>application/problem+json</c> answer: 400 for a body that is not a node request or that
/// ends before its announced length (a sender that gave up or crashed mid-call), or a path segment that is not a
/// node identifier; 404 for a node this process does not host, 500 when the handler
/// throws. The cluster secret is checked before this runs, by <see cref="ClusterSecretEndpointFilter"/>.
/// </remarks>
internal sealed class NodeRpcEndpoint(LocalNodeRegistry registry, NodeMessageSerializer serializer, ILogger logger)
{
    public async Task<Results<PlainHttpResult, ProblemHttpResult>> HandleAsync(string nodeId, HttpContext httpContext)
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
            return Reject(nodeId, StatusCodes.Status404NotFound, "Unknown node", UnknownNodeDetail(id));
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

        var outcome = await AnswerAsync(handler, id, request, cancellationToken);
        return outcome.Reply is { } reply
            ? PlainHttpResult.Ok(serializer.SerializeReply(reply), NodeMessageSerializer.MediaType)
            : TypedResults.Problem(statusCode: outcome.Status, title: "Node request failed", detail: outcome.Detail);
    }

    /// <summary>
    /// <c>POST /internal/v1/batch</c>: answers several requests, possibly to different nodes of this process, in one
    /// round trip (format: <see cref="NodeRpcBatchFormat"/>). Each item is answered as the single-request endpoint
    /// would answer it; the whole batch is 400 only when its body cannot be read.
    /// </summary>
    public async Task<Results<PlainHttpResult, ProblemHttpResult>> HandleBatchAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var cancellationToken = httpContext.RequestAborted;
        Task<BatchItemOutcome[]> answers;
        try
        {
            using var body = new MemoryStream((int)Math.Min(httpContext.Request.ContentLength ?? 0, NodeRpcBatchFormat.MaxRequestBytes));
            await httpContext.Request.Body.CopyToAsync(body, cancellationToken);
            answers = AnswerBatch(NodeRpcBatchFormat.ReadRequests(body.GetBuffer().AsSpan(0, (int)body.Length), serializer), cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return Reject("batch", StatusCodes.Status400BadRequest, "Malformed node request batch",
                $"The body is not a ChordKvs request batch ({ex.Message}); the sending node may run an incompatible version.");
        }
        catch (BadHttpRequestException ex)
        {
            return Reject("batch", ex.StatusCode, "Unreadable node request batch", $"The request body could not be read: {ex.Message}");
        }

        return PlainHttpResult.Ok(NodeRpcBatchFormat.WriteReplies(await answers, serializer), NodeMessageSerializer.MediaType);
    }

    /// <summary>
    /// Starts answering a request batch read by <see cref="NodeRpcBatchFormat"/> or <see cref="PeerStreamFormat"/>: the
    /// one piece behind both <c>POST /internal/v1/batch</c> and the peer stream. Each item is answered as the
    /// single-request endpoint would answer it.
    /// </summary>
    public Task<BatchItemOutcome[]> AnswerBatch(List<(NodeId To, NodeRequest? Request, string? Error)> items, CancellationToken cancellationToken)
    {
        // Started together, awaited in order: the requests a batch carries are answered locally and at once, so this
        // costs no more than handling them one by one, and one slow item cannot delay the start of the others.
        var answers = new Task<BatchItemOutcome>[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var (to, request, error) = items[i];
            answers[i] = request is null
                ? Task.FromResult(new BatchItemOutcome(null, StatusCodes.Status400BadRequest, error))
                : registry.TryGetHandler(to, out var handler)
                    ? AnswerAsync(handler, to, request, cancellationToken)
                    : Task.FromResult(new BatchItemOutcome(null, StatusCodes.Status404NotFound, UnknownNodeDetail(to)));
        }

        return Task.WhenAll(answers);
    }

    /// <summary>Hands one request to its node and returns the reply, or says why there is none (500).</summary>
    private async Task<BatchItemOutcome> AnswerAsync(INodeRequestHandler handler, NodeId id, NodeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await handler.HandleAsync(request, cancellationToken)
                ?? throw new InvalidOperationException($"The handler of node {id} answered {request.GetType().Name} with null.");
            return new BatchItemOutcome(reply, StatusCodes.Status200OK, null);
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
            return new BatchItemOutcome(null, StatusCodes.Status500InternalServerError,
                $"Node {id} failed to handle {request.GetType().Name} ({ex.GetType().Name}); its log has the details.");
        }
    }

    private static string UnknownNodeDetail(NodeId id) =>
        $"This process does not host node {id}: the node has left or restarted under another identifier.";

    private ProblemHttpResult Reject(string nodeId, int statusCode, string title, string detail)
    {
        Log.RequestRejected(logger, nodeId, detail);
        return TypedResults.Problem(statusCode: statusCode, title: title, detail: detail);
    }
}
