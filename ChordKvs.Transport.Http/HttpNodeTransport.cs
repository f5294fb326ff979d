using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ChordKvs.Transport.Http;

/// <summary>
/// <see cref="INodeTransport"/> over HTTP: posts a request as JSON to
/// <c>{target.Address}/internal/v1/nodes/{target.Id}/rpc</c>, or several at once to
/// <c>{target.Address}/internal/v1/batch</c>, or sends them over a WebSocket to <c>{target.Address}/internal/v1/stream</c>
/// (<see cref="HttpTransportOptions.UsePeerStreams"/>), and reads the replies.
/// </summary>
/// <remarks>
/// The HTTP client comes from <see cref="IHttpClientFactory"/> under <see cref="HttpClientName"/>; as configured
/// by <c>AddChordKvsHttpTransport</c> it keeps pooled keep-alive connections to each peer and runs every call
/// through a per-attempt timeout, retries for idempotent requests and a circuit breaker per peer (see
/// <see cref="HttpTransportOptions"/>). Every way of not getting a valid reply, including an error status from
/// the peer, surfaces as <see cref="NodeUnreachableException"/> with the reason; only the caller's own
/// cancellation surfaces as <see cref="OperationCanceledException"/>.
/// <para>
/// Requests to one peer address go through a <see cref="RequestBatcher"/>: alone when the peer is idle, many to a
/// round trip under load (see <see cref="HttpTransportOptions.MaxBatchesInFlightPerPeer"/>), which spares most of
/// the system calls and thread wake-ups that dominate the cost of a small call. Requests the peer answers locally
/// (<see cref="NodeRequest.IsAnsweredLocally"/>: replica reads and writes) and requests that wait on further calls
/// (forwarded client requests, lookups) travel in separate batches, so a slow one never holds up a local answer.
/// </para>
/// </remarks>
public sealed class HttpNodeTransport : INodeTransport, IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> this transport asks the factory for.</summary>
    public const string HttpClientName = "ChordKvs.NodeTransport";

    private readonly IHttpClientFactory clientFactory;
    private readonly NodeMessageSerializer serializer;
    private readonly HttpTransportOptions options;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<(string Address, bool AnsweredLocally), RequestBatcher> batchers = new();
    private readonly ConcurrentDictionary<string, PeerStream?> streams = new();
    private readonly Lazy<HttpMessageInvoker> streamInvoker;
    private HttpClient? client;

    /// <summary>Creates the transport over the factory's <see cref="HttpClientName"/> client.</summary>
    public HttpNodeTransport(IHttpClientFactory clientFactory, IOptions<HttpTransportOptions> options)
        : this(clientFactory, options, NodeMessageSerializer.Default)
    {
    }

    internal HttpNodeTransport(IHttpClientFactory clientFactory, IOptions<HttpTransportOptions> options, NodeMessageSerializer serializer, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        ArgumentNullException.ThrowIfNull(options);
        this.clientFactory = clientFactory;
        this.options = options.Value;
        this.serializer = serializer;
        this.time = time ?? TimeProvider.System;

        // The peer streams' own connections, outside the factory's pooled client: an upgraded connection leaves the
        // pool for good, and a stream has its own timeout instead of the resilience pipeline (see PeerStream).
        streamInvoker = new(() => new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        }));
    }

    /// <summary>Closes the peer streams; requests sent afterwards take the HTTP path.</summary>
    public void Dispose()
    {
        foreach (var stream in streams.Values)
        {
            stream?.Dispose();
        }

        if (streamInvoker.IsValueCreated)
        {
            streamInvoker.Value.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<NodeReply> SendAsync(NodeInfo target, NodeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        var batcher = batchers.GetOrAdd((target.Address, request.IsAnsweredLocally), static (lane, transport) =>
            new RequestBatcher(batch => transport.SendBatchAsync(lane.Address, batch), transport.options.MaxBatchesInFlightPerPeer), this);
        // Encoded at once for the path it will most likely take, so that the batcher knows its size; a batch that takes
        // the other path after all (a peer without a stream) encodes its requests again (JsonBody).
        var body = options.UsePeerStreams ? PeerStreamFormat.WriteRequest(request, serializer) : serializer.SerializeRequest(request);
        return batcher.SendAsync(new PendingRequest(target, request, body, options.CompleteRepliesInline)).WaitAsync(cancellationToken);
    }

    /// <summary>The request of <paramref name="item"/> as JSON, the encoding of the HTTP endpoints.</summary>
    private byte[] JsonBody(PendingRequest item) => options.UsePeerStreams ? serializer.SerializeRequest(item.Request) : item.Body;

    /// <summary>
    /// Sends one request on its own to <c>/internal/v1/nodes/{id}/rpc</c>, as a batch of one goes: the peer's error
    /// statuses then reach the resilience pipeline, so a 5xx is retried (when idempotent) and counts against the
    /// peer's circuit like a failed connection.
    /// </summary>
    private async Task<NodeReply> SendAloneAsync(NodeInfo target, NodeRequest request, byte[] body)
    {
        var uri = EndpointUri(target, target.Address, ChordKvsInternalApi.RpcPath(target.Id));
        using var message = NewPost(uri, body, request.IsIdempotent);
        HttpResponseMessage response;
        try
        {
            // Buffer the reply inside the call so that HttpClient.Timeout also bounds a peer that stalls mid-body.
            response = await Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        }
        catch (Exception ex) when (DescribeSendFailure(ex, uri) is { } reason)
        {
            throw new NodeUnreachableException(target, reason, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw ErrorStatus(target, await DescribeErrorStatusAsync(target, request.GetType().Name, response, CancellationToken.None), response.StatusCode);
            }

            try
            {
                await using var reply = await response.Content.ReadAsStreamAsync();
                return await serializer.ReadReplyAsync(reply, CancellationToken.None)
                    ?? throw new JsonException("The reply body is the JSON literal null.");
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                throw new NodeUnreachableException(target, $"it answered {request.GetType().Name} with a body that is not a node reply ({ex.Message}); it may run an incompatible version", ex);
            }
        }
    }

    /// <summary>
    /// Sends one batch to the process at <paramref name="address"/> and completes every item: with its reply, with
    /// the error the peer gave for it, or with the failure of the whole call. Never throws.
    /// </summary>
    /// <remarks>
    /// Within a batch of several, an item the peer failed to handle (500) fails alone and is not retried; the call as
    /// a whole runs through the same resilience pipeline as a single request.
    /// </remarks>
    private async Task SendBatchAsync(string address, IReadOnlyList<PendingRequest> batch)
    {
        var first = batch[0].Target;
        try
        {
            if (options.UsePeerStreams && StreamTo(address, first) is { } stream && await stream.ConnectionAsync() is { } connection)
            {
                await SendOnStreamAsync(stream, connection, batch);
                return;
            }

            if (batch.Count == 1)
            {
                batch[0].Completion.TrySetResult(await SendAloneAsync(first, batch[0].Request, JsonBody(batch[0])));
                return;
            }

            var uri = EndpointUri(first, address, ChordKvsInternalApi.BatchPath);
            var body = NodeRpcBatchFormat.WriteRequests([.. batch.Select(item => (item.Target.Id, JsonBody(item)))]);
            using var message = NewPost(uri, body, batch.All(item => item.Request.IsIdempotent));
            HttpResponseMessage response;
            try
            {
                // The callers' own cancellation only stops their wait (see SendAsync); the batch is bounded by the
                // resilience pipeline's timeouts like any call.
                response = await Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
            }
            catch (Exception ex) when (DescribeSendFailure(ex, uri) is { } reason)
            {
                FailAll(batch, item => new NodeUnreachableException(item.Target, reason, ex));
                return;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var reason = await DescribeErrorStatusAsync(first, $"a batch of {batch.Count} requests", response, CancellationToken.None);
                    FailAll(batch, item => ErrorStatus(item.Target, reason, response.StatusCode));
                    return;
                }

                Complete(batch, NodeRpcBatchFormat.ReadReplies(await response.Content.ReadAsByteArrayAsync(), serializer));
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidDataException)
        {
            FailAll(batch, item => new NodeUnreachableException(item.Target, $"it answered a batch of requests with a body that is not a batch of node replies ({ex.Message}); it may run an incompatible version", ex));
        }
        catch (Exception ex)
        {
            // Whatever else went wrong (an invalid address, say) must still complete every waiting caller.
            FailAll(batch, item => ex as NodeUnreachableException ?? new NodeUnreachableException(item.Target, $"the batch call failed: {ex.Message}", ex));
        }
    }

    /// <summary>
    /// Sends a batch on the peer stream. Its failures are not retried by HTTP: the peer may have handled the requests
    /// already, and every caller of a node-to-node call is ready for it to fail. A batch that goes unanswered sends the
    /// peer's next batches by HTTP for a while, so that a peer that hangs meets the circuit breaker there.
    /// </summary>
    private static async Task SendOnStreamAsync(PeerStream stream, PeerStreamConnection connection, IReadOnlyList<PendingRequest> batch)
    {
        List<BatchItemReply> replies;
        try
        {
            replies = await connection.ExchangeAsync([.. batch.Select(item => (item.Target.Id, item.Body))]);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            if (ex is TimeoutException)
            {
                stream.Pause();
            }

            FailAll(batch, item => new NodeUnreachableException(item.Target, ex.Message, ex));
            return;
        }

        Complete(batch, replies);
    }

    /// <summary>The peer stream to the process at <paramref name="address"/>; null when the address is no HTTP URL.</summary>
    private PeerStream? StreamTo(string address, NodeInfo target) => streams.GetOrAdd(address, static (address, state) =>
    {
        var (transport, target) = state;
        Uri http;
        try
        {
            http = EndpointUri(target, address, ChordKvsInternalApi.StreamPath);
        }
        catch (NodeUnreachableException)
        {
            // The HTTP path reports the invalid address to the caller.
            return null;
        }

        var uri = new UriBuilder(http) { Scheme = http.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs }.Uri;
        return new PeerStream(uri, transport.streamInvoker.Value, transport.options, transport.time, transport.serializer);
    }, (this, target));

    /// <summary>Completes every item of a batch from the peer's replies, read in either format.</summary>
    /// <exception cref="InvalidDataException">The replies are not one item per request.</exception>
    private static void Complete(IReadOnlyList<PendingRequest> batch, List<BatchItemReply> replies)
    {
        if (replies.Count != batch.Count)
        {
            throw new InvalidDataException($"It answered {replies.Count} items to a batch of {batch.Count}.");
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var (item, reply) = (batch[i], replies[i]);
            if (reply.Reply is { } answer)
            {
                item.Completion.TrySetResult(answer);
            }
            else
            {
                var status = (HttpStatusCode)reply.Status;
                item.Completion.TrySetException(ErrorStatus(item.Target, DescribeErrorStatus(item.Target, item.Request.GetType().Name, status, reply.Detail), status));
            }
        }
    }

    private static void FailAll(IReadOnlyList<PendingRequest> batch, Func<PendingRequest, Exception> failure)
    {
        foreach (var item in batch)
        {
            item.Completion.TrySetException(failure(item));
        }
    }

    private HttpRequestMessage NewPost(Uri uri, byte[] body, bool isIdempotent)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(NodeMessageSerializer.MediaType) } },
        };
        message.Options.Set(NodeRpcResilience.IsIdempotentKey, isIdempotent);
        if (options.HasClusterSecret)
        {
            message.Headers.TryAddWithoutValidation(ChordKvsInternalApi.SecretHeaderName, options.ClusterSecret);
        }

        return message;
    }

    /// <summary>
    /// The factory's client, created once: AddChordKvsHttpTransport gives its handler an infinite lifetime
    /// (the pooled connections are renewed by <see cref="HttpTransportOptions.PooledConnectionLifetime"/>
    /// instead), so keeping it is safe and spares every call the factory's per-client setup.
    /// </summary>
    private HttpClient Client => client ??= clientFactory.CreateClient(HttpClientName);

    private static Uri EndpointUri(NodeInfo target, string address, string path)
    {
        // Appended rather than resolved against the address, so that an address with a path keeps it.
        var text = string.Concat(address.AsSpan().TrimEnd('/'), path);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new NodeUnreachableException(target, $"its address '{address}' is not an absolute http:// or https:// URL");
        }

        return uri;
    }

    private string? DescribeSendFailure(Exception exception, Uri uri) => exception switch
    {
        BrokenCircuitException => $"its circuit breaker is open after repeated failures, so calls to {uri.Authority} fail at once for up to {options.CircuitBreakerBreakDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s before one trial call is let through",
        TimeoutRejectedException timeout => $"no answer from {uri.Authority} within {timeout.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms (attempt timeout {options.AttemptTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms, total timeout {options.TotalTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms)",
        HttpRequestException http => $"the HTTP request to {uri.Authority} failed: {http.Message}",
        OperationCanceledException => $"no answer from {uri.Authority} within the total timeout of {options.TotalTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms",
        _ => null,
    };

    private static async Task<string> DescribeErrorStatusAsync(NodeInfo target, string what, HttpResponseMessage response, CancellationToken cancellationToken) =>
        DescribeErrorStatus(target, what, response.StatusCode, await ReadProblemDetailAsync(response, cancellationToken));

    private static NodeUnreachableException ErrorStatus(NodeInfo target, string reason, HttpStatusCode statusCode) =>
        new(target, reason, statusCode == HttpStatusCode.Unauthorized ? new ClusterSecretRejectedException(reason) : null);

    private static string DescribeErrorStatus(NodeInfo target, string what, HttpStatusCode statusCode, string? problem)
    {
        var status = $"HTTP {(int)statusCode}{(problem is null ? string.Empty : ": " + problem)}";
        return statusCode switch
        {
            HttpStatusCode.Unauthorized => $"it refused the request because the cluster secret differs ({status}); give every node the same {nameof(HttpTransportOptions)}.{nameof(HttpTransportOptions.ClusterSecret)}",
            HttpStatusCode.NotFound => $"{target.Address} does not host node {target.Id} ({status})",
            HttpStatusCode.BadRequest => $"it rejected {what} as malformed ({status})",
            >= HttpStatusCode.InternalServerError => $"it failed to handle {what} ({status})",
            _ => $"it answered {what} with an error ({status})",
        };
    }

    /// <summary>The <c>detail</c> (else <c>title</c>) of a problem+json body, or null when there is none.</summary>
    private static async Task<string?> ReadProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return null;
        }

        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in (ReadOnlySpan<string>)["detail", "title"])
            {
                if (document.RootElement.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    return text.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
