using ChordKvs.Tests.Hosting;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Tests.Security;

/// <summary>Every endpoint of a node carries a request timeout and a body limit consistent with the store's limits.</summary>
public sealed class EndpointLimitsTests
{
    [Test]
    public async Task Every_endpoint_has_the_request_timeout_and_a_body_limit_sized_from_the_store_limits()
    {
        await using var nodes = new SingleNodes();
        var node = await nodes.StartAsync(new Dictionary<string, string?>
        {
            [nameof(ChordKvsNodeOptions.RequestTimeout)] = "00:00:12",
            ["Node:Limits:MaxValueBytes"] = "1000",
            ["Node:Limits:MaxKeyBytes"] = "10",
            ["Node:Replication:TransferBatchSize"] = "4",
        });

        var endpoints = node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText is { } route && (route.StartsWith("/kv", StringComparison.Ordinal) || route.StartsWith("/cluster", StringComparison.Ordinal) || route.StartsWith(ChordKvsInternalApi.PathPrefix, StringComparison.Ordinal)))
            .ToList();

        Assert.That(endpoints, Has.Count.EqualTo(8), "GET/PUT/DELETE /kv, /cluster, /cluster/nodes, the RPC endpoint, the batch endpoint and the peer stream");
        Assert.Multiple(() =>
        {
            foreach (var endpoint in endpoints)
            {
                var route = endpoint.RoutePattern.RawText!;
                if (route == ChordKvsInternalApi.StreamPath)
                {
                    Assert.That(endpoint.Metadata.GetMetadata<DisableRequestTimeoutAttribute>(), Is.Not.Null, $"{route}: a stream outlives any request timeout");
                }
                else
                {
                    Assert.That(endpoint.Metadata.GetMetadata<RequestTimeoutPolicy>()?.Timeout, Is.EqualTo(TimeSpan.FromSeconds(12)), $"{route}: the configured request timeout");
                    Assert.That(endpoint.Metadata.GetMetadata<RequestTimeoutPolicy>()?.TimeoutStatusCode, Is.EqualTo(StatusCodes.Status504GatewayTimeout), $"{route}: a timeout is a 504");
                }

                var expectedBody = route.StartsWith(ChordKvsInternalApi.PathPrefix, StringComparison.Ordinal)
                    ? 4 * ((1000 + 2) / 3 * 4 + 6 * 10 + 512) + 4096L + (64 * 1024)
                    : 1001L;
                Assert.That(endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize, Is.EqualTo(expectedBody),
                    $"{route}: one value (plus the byte that tells an oversized body) for the client API, one hand-off batch or one request batch (64 KiB and the request that filled it) for node-to-node calls");
            }
        });
    }
}
