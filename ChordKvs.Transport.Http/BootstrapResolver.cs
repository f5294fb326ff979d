using System.Net.Http.Json;
using System.Text.Json;
using ChordKvs.Core.Ring;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Finds out which node answers at a join URL, by asking it for <c>GET /cluster</c>. A join needs the bootstrap
/// node's identifier as well as its address, and the identifier cannot be derived from the URL an operator
/// typed: <c>http://localhost:7000</c> and <c>http://127.0.0.1:7000</c> reach the same node, which knows itself
/// by only one of them.
/// </summary>
/// <remarks>When the ring's client API requires a token, the request presents this node's <see cref="ChordKvsNodeOptions.ClientToken"/>.</remarks>
internal sealed class BootstrapResolver(IHttpClientFactory clientFactory, string? clientToken)
{
    /// <summary>The name of the <see cref="HttpClient"/> used to ask the join URL.</summary>
    public const string HttpClientName = "ChordKvs.Bootstrap";

    /// <summary>The ring member answering at <paramref name="joinUrl"/>.</summary>
    /// <exception cref="BootstrapUnavailableException">Nothing answers there, or not a ring member.</exception>
    public async Task<NodeInfo> ResolveAsync(string joinUrl, CancellationToken cancellationToken)
    {
        var uri = new Uri(joinUrl + ClusterEndpoints.Prefix);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (clientToken is { Length: > 0 })
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", clientToken);
            }

            response = await clientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new BootstrapUnavailableException($"GET {uri} failed: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BootstrapUnavailableException($"GET {uri} got no answer in time", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new BootstrapUnavailableException($"GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}; is a ChordKvs node listening there?");
            }

            try
            {
                var status = await response.Content.ReadFromJsonAsync(ClientApiJsonContext.Default.NodeStatus, cancellationToken)
                    ?? throw new JsonException("the body is null");
                return status.Status == ChordNodeStatus.Member
                    ? status.Node
                    : throw new BootstrapUnavailableException($"the node at {joinUrl} ({status.Node}) is not a ring member yet (status {status.Status})");
            }
            catch (JsonException ex)
            {
                throw new BootstrapUnavailableException($"GET {uri} did not answer with a ChordKvs node status ({ex.Message})", ex);
            }
        }
    }
}
