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
/// <see cref="INodeTransport"/> over HTTP: posts each request as JSON to
/// <c>{target.Address}/internal/v1/nodes/{target.Id}/rpc</c> and reads the reply.
/// </summary>
/// <remarks>
/// The HTTP client comes from <see cref="IHttpClientFactory"/> under <see cref="HttpClientName"/>; as configured
/// by <c>AddChordKvsHttpTransport</c> it keeps pooled keep-alive connections to each peer and runs every call
/// through a per-attempt timeout, retries for idempotent requests and a circuit breaker per peer (see
/// <see cref="HttpTransportOptions"/>). Every way of not getting a valid reply, including an error status from
/// the peer, surfaces as <see cref="NodeUnreachableException"/> with the reason; only the caller's own
/// cancellation surfaces as <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class HttpNodeTransport : INodeTransport
{
    /// <summary>The name of the <see cref="HttpClient"/> this transport asks the factory for.</summary>
    public const string HttpClientName = "ChordKvs.NodeTransport";

    private readonly IHttpClientFactory clientFactory;
    private readonly NodeMessageSerializer serializer;
    private readonly HttpTransportOptions options;
    private HttpClient? client;

    /// <summary>Creates the transport over the factory's <see cref="HttpClientName"/> client.</summary>
    public HttpNodeTransport(IHttpClientFactory clientFactory, IOptions<HttpTransportOptions> options)
        : this(clientFactory, options, NodeMessageSerializer.Default)
    {
    }

    internal HttpNodeTransport(IHttpClientFactory clientFactory, IOptions<HttpTransportOptions> options, NodeMessageSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        ArgumentNullException.ThrowIfNull(options);
        this.clientFactory = clientFactory;
        this.options = options.Value;
        this.serializer = serializer;
    }

    /// <inheritdoc />
    public async Task<NodeReply> SendAsync(NodeInfo target, NodeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        var uri = RpcUri(target);
        using var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(serializer.SerializeRequest(request)) { Headers = { ContentType = new MediaTypeHeaderValue(NodeMessageSerializer.MediaType) } },
        };
        message.Options.Set(NodeRpcResilience.IsIdempotentKey, request.IsIdempotent);
        if (options.HasClusterSecret)
        {
            message.Headers.TryAddWithoutValidation(ChordKvsInternalApi.SecretHeaderName, options.ClusterSecret);
        }

        HttpResponseMessage response;
        try
        {
            // Buffer the reply inside the call so that HttpClient.Timeout also bounds a peer that stalls mid-body.
            response = await Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (DescribeSendFailure(ex, uri) is { } reason)
        {
            throw new NodeUnreachableException(target, reason, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var reason = await DescribeErrorStatusAsync(target, request, response, cancellationToken);
                throw new NodeUnreachableException(target, reason, response.StatusCode == HttpStatusCode.Unauthorized ? new ClusterSecretRejectedException(reason) : null);
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await serializer.ReadReplyAsync(body, cancellationToken)
                    ?? throw new JsonException("The reply body is the JSON literal null.");
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                throw new NodeUnreachableException(target, $"it answered {request.GetType().Name} with a body that is not a node reply ({ex.Message}); it may run an incompatible version", ex);
            }
        }
    }

    /// <summary>
    /// The factory's client, created once: AddChordKvsHttpTransport gives its handler an infinite lifetime
    /// (the pooled connections are renewed by <see cref="HttpTransportOptions.PooledConnectionLifetime"/>
    /// instead), so keeping it is safe and spares every call the factory's per-client setup.
    /// </summary>
    private HttpClient Client => client ??= clientFactory.CreateClient(HttpClientName);

    private static Uri RpcUri(NodeInfo target)
    {
        // Appended rather than resolved against the address, so that an address with a path keeps it.
        var text = string.Concat(target.Address.AsSpan().TrimEnd('/'), ChordKvsInternalApi.RpcPath(target.Id));
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new NodeUnreachableException(target, $"its address '{target.Address}' is not an absolute http:// or https:// URL");
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

    private static async Task<string> DescribeErrorStatusAsync(NodeInfo target, NodeRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var problem = await ReadProblemDetailAsync(response, cancellationToken);
        var status = $"HTTP {(int)response.StatusCode}{(problem is null ? string.Empty : ": " + problem)}";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"it refused the request because the cluster secret differs ({status}); give every node the same {nameof(HttpTransportOptions)}.{nameof(HttpTransportOptions.ClusterSecret)}",
            HttpStatusCode.NotFound => $"{target.Address} does not host node {target.Id} ({status})",
            HttpStatusCode.BadRequest => $"it rejected {request.GetType().Name} as malformed ({status})",
            >= HttpStatusCode.InternalServerError => $"it failed to handle {request.GetType().Name} ({status})",
            _ => $"it answered {request.GetType().Name} with an error ({status})",
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
