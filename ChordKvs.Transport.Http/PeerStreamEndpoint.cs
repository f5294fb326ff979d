using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Transport.Http;

/// <summary>
/// <c>GET /internal/v1/stream</c>: a WebSocket over which another node's process sends request batches and this one
/// answers them, without an HTTP request per batch (format: <see cref="PeerStreamFrame"/>).
/// </summary>
/// <remarks>
/// The cluster secret is checked on the upgrade request, by the internal group's <see cref="ClusterSecretEndpointFilter"/>,
/// before the upgrade. Batches are handled by <see cref="NodeRpcEndpoint.AnswerBatch"/>, the code behind
/// <c>POST /internal/v1/batch</c>, and concurrently: each is started as it arrives and answered when done, so a slow
/// request (a lookup, a forwarded client request) never holds up the receive loop or the replies to later batches.
/// Replies are sent one at a time, as a WebSocket requires. A message that is not a batch, or that exceeds the
/// internal endpoints' body limit, closes the stream with a policy-violation (or message-too-big) status; the node
/// itself is unaffected. The streams are closed when the application stops, so that shutdown does not wait on them.
/// </remarks>
internal sealed class PeerStreamEndpoint(NodeRpcEndpoint rpc, NodeMessageSerializer serializer, ILogger logger, CancellationToken applicationStopping)
{
    // WebSocket close reasons may carry at most 123 bytes of UTF-8.
    private const int MaxCloseReasonBytes = 123;

    /// <summary>Accepts the upgrade and serves the stream until either side closes it; 400 problem for a plain GET.</summary>
    public async Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "WebSocket upgrade expected",
                detail: $"{ChordKvsInternalApi.StreamPath} is a WebSocket endpoint for other nodes of the cluster; send a WebSocket upgrade request.").ExecuteAsync(context);
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(PeerStreamFormat.SubProtocol))
        {
            // A node of another version, which speaks another format: it sends by HTTP instead.
            await TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unsupported peer stream format",
                detail: $"This node speaks the peer stream format '{PeerStreamFormat.SubProtocol}'; request it as the WebSocket subprotocol, or send requests by HTTP.").ExecuteAsync(context);
            return;
        }

        if (applicationStopping.IsCancellationRequested)
        {
            // A stream opened now would be closed at once; the peer sends by HTTP instead while this node leaves.
            await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Node stopping",
                detail: "This node is stopping and opens no new peer streams; send requests by HTTP.").ExecuteAsync(context);
            return;
        }

        var limit = MessageLimit(context);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(PeerStreamFormat.SubProtocol);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, applicationStopping);
        using var sendLock = new SemaphoreSlim(1, 1);
        var buffer = new byte[PeerStreamFrame.InitialReceiveBufferBytes];
        try
        {
            while (true)
            {
                var message = await PeerStreamFrame.ReceiveAsync(socket, buffer, limit, closing.Token);
                (var type, var length, buffer) = message;
                if (type == WebSocketMessageType.Close)
                {
                    await CloseAsync(socket, sendLock, WebSocketCloseStatus.NormalClosure, "Closed by the other side.");
                    return;
                }

                if (length > limit)
                {
                    await CloseAsync(socket, sendLock, WebSocketCloseStatus.MessageTooBig, $"A message exceeds the limit of {limit} bytes.");
                    return;
                }

                if (Violation(type, buffer.AsSpan(0, length), closing.Token, out var id, out var answers) is { } violation)
                {
                    Log.RequestRejected(logger, "stream", violation);
                    await CloseAsync(socket, sendLock, WebSocketCloseStatus.PolicyViolation, violation);
                    return;
                }

                _ = ReplyAsync(socket, sendLock, id, answers!, closing.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The other side went away, or this node is stopping: nothing is left to answer.
            if (applicationStopping.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                await CloseAsync(socket, sendLock, WebSocketCloseStatus.EndpointUnavailable, "The node is stopping.");
            }
        }
        finally
        {
            await closing.CancelAsync();
        }
    }

    /// <summary>Why a message breaks the protocol, or null after starting to answer its batch.</summary>
    private string? Violation(WebSocketMessageType type, ReadOnlySpan<byte> message, CancellationToken cancellationToken, out long id, out Task<BatchItemOutcome[]>? answers)
    {
        answers = null;
        if (type != WebSocketMessageType.Binary)
        {
            id = 0;
            return "Expected binary messages.";
        }

        if (!PeerStreamFrame.TryRead(message, out id, out var batch))
        {
            return "A message is shorter than its correlation identifier.";
        }

        try
        {
            answers = rpc.AnswerBatch(PeerStreamFormat.ReadRequests(batch, serializer), cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or NotSupportedException)
        {
            return $"Not a request batch: {ex.Message}";
        }
    }

    private async Task ReplyAsync(WebSocket socket, SemaphoreSlim sendLock, long id, Task<BatchItemOutcome[]> answers, CancellationToken cancellationToken)
    {
        try
        {
            var frame = PeerStreamFrame.WriteReplies(id, await answers, serializer);
            await sendLock.WaitAsync(cancellationToken);
            try
            {
                await socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            }
            finally
            {
                sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The stream closed while the batch was being answered; its sender fails the batch on its own.
        }
    }

    private static async Task CloseAsync(WebSocket socket, SemaphoreSlim sendLock, WebSocketCloseStatus status, string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(reason);
        if (bytes.Length > MaxCloseReasonBytes)
        {
            reason = Encoding.UTF8.GetString(bytes, 0, MaxCloseReasonBytes).TrimEnd('\uFFFD');
        }

        try
        {
            // Bounded, so that a peer that stopped reading cannot hold the close (and the node's shutdown) forever.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await sendLock.WaitAsync(timeout.Token);
            try
            {
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
            finally
            {
                sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Already gone: nothing to close.
        }
    }

    /// <summary>The largest message accepted: the internal endpoints' body limit, as for <c>POST /internal/v1/batch</c>.</summary>
    private static long MessageLimit(HttpContext context) => Math.Min(
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
        ?? context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize
        ?? NodeRpcBatchFormat.MaxRequestBytes,
        Array.MaxLength - 1);
}
