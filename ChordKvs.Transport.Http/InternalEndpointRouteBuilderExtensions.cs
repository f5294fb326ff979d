using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the node-to-node endpoints of ChordKvs.</summary>
public static class InternalEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the internal API under <see cref="ChordKvsInternalApi.PathPrefix"/>:
    /// <c>POST /internal/v1/nodes/{nodeId}/rpc</c> answers a <see cref="NodeRequest"/> with the
    /// <see cref="NodeReply"/> of the node registered under <c>nodeId</c> in <see cref="LocalNodeRegistry"/>, and
    /// <c>POST /internal/v1/batch</c> answers several such requests in one round trip, and
    /// <c>GET /internal/v1/stream</c> is a WebSocket that carries such batches without an HTTP request each.
    /// </summary>
    /// <remarks>
    /// Requires <c>AddChordKvsHttpTransport</c> on the service collection. When
    /// <see cref="HttpTransportOptions.ClusterSecret"/> is set, every endpoint of the returned group answers 401
    /// to requests without it, including endpoints mapped on the group later.
    /// </remarks>
    /// <returns>The internal route group, for adding further internal endpoints.</returns>
    public static RouteGroupBuilder MapChordKvsInternal(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<HttpTransportOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<NodeRpcEndpoint>>();
        var serializer = services.GetRequiredService<NodeMessageSerializer>();
        var rpc = new NodeRpcEndpoint(services.GetRequiredService<LocalNodeRegistry>(), serializer, logger);
        var stream = new PeerStreamEndpoint(rpc, serializer, logger, services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None);

        // The WebSocket middleware only adds the upgrade feature (and does nothing when the host already uses it);
        // run here rather than in the host's pipeline so that mapping the endpoints is all a host has to do.
        var upgrade = new WebSocketMiddleware(stream.ServeAsync, Options.Create(new WebSocketOptions()), services.GetRequiredService<ILoggerFactory>());

        var group = endpoints.MapGroup(ChordKvsInternalApi.PathPrefix);
        if (options.HasClusterSecret)
        {
            group.AddEndpointFilter(new ClusterSecretEndpointFilter(new SharedSecret(options.ClusterSecret!)));
        }

        group.MapPost("/nodes/{nodeId}/rpc", rpc.HandleAsync)
            .WithName("ChordKvsNodeRpc")
            .ExcludeFromDescription();
        // As a Delegate, not a RequestDelegate, so that the typed result is written to the response.
        Delegate batch = rpc.HandleBatchAsync;
        group.MapPost(ChordKvsInternalApi.BatchPath[ChordKvsInternalApi.PathPrefix.Length..], batch)
            .WithName("ChordKvsNodeRpcBatch")
            .ExcludeFromDescription();
        // A Delegate as well, so that the cluster secret filter answers 401 before the upgrade.
        Delegate peerStream = (HttpContext context) => upgrade.Invoke(context);
        group.MapGet(ChordKvsInternalApi.StreamPath[ChordKvsInternalApi.PathPrefix.Length..], peerStream)
            .WithName("ChordKvsPeerStream")
            .ExcludeFromDescription()
            // The stream lives as long as the two processes; the request timeout is for request-response calls.
            .DisableRequestTimeout();
        return group;
    }
}
