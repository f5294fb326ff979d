using ChordKvs.Core.Diagnostics;
using ChordKvs.Transport.Http;
using ChordKvs.Transport.Http.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoints of a ChordKvs node.</summary>
public static class ChordKvsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps everything a node serves: the client API (<see cref="MapChordKvsClientApi"/>), the node-to-node
    /// RPC endpoint (<c>MapChordKvsInternal</c>) and the dashboard, metrics and health endpoints
    /// (<c>MapChordKvsOperations</c>). Requires <c>AddChordKvs</c> on the service collection.
    /// </summary>
    /// <remarks>
    /// Every endpoint gets the request timeout <see cref="ChordKvsNodeOptions.RequestTimeout"/>, enforced when the
    /// host adds ASP.NET Core's request-timeouts middleware (<c>app.UseRequestTimeouts()</c>), and a request body
    /// limit: one value for the client API, one range hand-off batch for the node-to-node endpoint.
    /// </remarks>
    /// <returns>The client API's route group, for conventions such as authorization or rate limiting.</returns>
    public static RouteGroupBuilder MapChordKvs(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ChordKvsNodeOptions>>().Value;
        var timeout = EndpointLimits.TimeoutPolicy(options.RequestTimeout);
        var internalApi = endpoints.MapChordKvsInternal()
            .WithMetadata(new RequestSizeLimitAttribute(EndpointLimits.NodeBodyBytes(options.Node)));
        internalApi.WithRequestTimeout(timeout);
        endpoints.MapChordKvsOperations().WithRequestTimeout(timeout);
        return endpoints.MapChordKvsClientApi();
    }

    /// <summary>
    /// Maps the client API: <c>GET</c>, <c>PUT</c> and <c>DELETE /kv/{key}</c>, <c>GET /cluster</c> and
    /// <c>GET /cluster/nodes</c>. Every error is answered as <c>application/problem+json</c> (RFC 9457).
    /// </summary>
    /// <remarks>
    /// When <see cref="ChordKvsNodeOptions.ClientToken"/> is set, every endpoint of the group answers 401 to requests
    /// without it. The key is everything after <c>/kv/</c> in the request target as the client sent it, percent-decoded as
    /// UTF-8, so it may contain <c>/</c> both literally and as <c>%2F</c>.
    /// </remarks>
    /// <returns>The client API's route group.</returns>
    public static RouteGroupBuilder MapChordKvsClientApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var service = services.GetRequiredService<ChordKvsNodeService>();
        var options = services.GetRequiredService<IOptions<ChordKvsNodeOptions>>().Value;
        var kv = new KvEndpoints(service, options, services.GetRequiredService<ChordKvsMetrics>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger<KvEndpoints>());
        var cluster = new ClusterEndpoints(service, options);

        var api = endpoints.MapGroup(string.Empty)
            .WithMetadata(new RequestSizeLimitAttribute(EndpointLimits.ClientBodyBytes(options.Node)), ClientApiDocumentation.Marker);
        api.WithRequestTimeout(EndpointLimits.TimeoutPolicy(options.RequestTimeout));
        if (options.ClientToken is { Length: > 0 } token)
        {
            api.AddEndpointFilter(new ClientTokenEndpointFilter(new SharedSecret(token)));
        }

        var keys = api.MapGroup(KvEndpoints.Prefix);

        // The route only selects the handler; the key itself is read from the raw target (see RawTargetKey).
        keys.MapGet("/{**key}", kv.GetAsync).WithName("ChordKvsGet").DescribeGet(options);
        keys.MapPut("/{**key}", kv.PutAsync).WithName("ChordKvsPut").DescribePut(options);
        keys.MapDelete("/{**key}", kv.DeleteAsync).WithName("ChordKvsDelete").DescribeDelete(options);

        var ring = api.MapGroup(ClusterEndpoints.Prefix);
        ring.MapGet(string.Empty, cluster.Describe).WithName("ChordKvsCluster").DescribeCluster(options);
        ring.MapGet("/nodes", cluster.DescribeRingAsync).WithName("ChordKvsClusterNodes").DescribeClusterNodes(options);

        // The description of the client API; the node-to-node endpoint is excluded from it.
        endpoints.MapOpenApi();
        return api;
    }
}
