using System.Net;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ChordKvs HTTP transport.</summary>
public static class HttpTransportServiceCollectionExtensions
{
    /// <summary>
    /// Registers both halves of the HTTP transport: <see cref="HttpNodeTransport"/> as the
    /// <see cref="INodeTransport"/> (with its pooled, resilient HTTP client) and the <see cref="LocalNodeRegistry"/>
    /// that <c>MapChordKvsInternal</c> serves from. Calling it again only applies <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the <see cref="HttpTransportOptions"/>; they can also be bound from configuration.</param>
    public static IServiceCollection AddChordKvsHttpTransport(this IServiceCollection services, Action<HttpTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HttpTransportOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(descriptor => descriptor.ServiceType == typeof(HttpNodeTransport)))
        {
            return services;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpTransportOptions>, HttpTransportOptionsValidator>());
        services.TryAddSingleton<LocalNodeRegistry>();
        services.TryAddSingleton(NodeMessageSerializer.Default);

        services.AddHttpClient(HttpNodeTransport.HttpClientName)
            .ConfigureHttpClient(static (provider, client) =>
            {
                // The resilience pipeline's total timeout fires first; this only bounds reading a stalled body.
                client.Timeout = provider.GetRequiredService<IOptions<HttpTransportOptions>>().Value.TotalTimeout + TimeSpan.FromSeconds(1);
                client.DefaultRequestVersion = HttpVersion.Version11;
            })
            .ConfigurePrimaryHttpMessageHandler(static provider => new SocketsHttpHandler
            {
                // One long-lived pool of keep-alive connections per peer; the lifetime only bounds how stale a
                // resolved address can get. Nodes reach each other directly, never through a proxy.
                PooledConnectionLifetime = provider.GetRequiredService<IOptions<HttpTransportOptions>>().Value.PooledConnectionLifetime,
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
            })
            // The pooled handler itself is kept for good: rotating it would drop every warm connection.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The factory's per-request log lines and scopes cost every call an allocation or two; failures are
            // reported by the transport itself (NodeUnreachableException) and by the resilience pipeline's events.
            .RemoveAllLoggers()
            .AddResilienceHandler(NodeRpcResilience.PipelineName, static (builder, context) =>
                NodeRpcResilience.Configure(builder, context.ServiceProvider.GetRequiredService<IOptions<HttpTransportOptions>>().Value))
            .SelectPipelineByAuthority();

        services.TryAddSingleton(static provider => new HttpNodeTransport(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptions<HttpTransportOptions>>(),
            provider.GetRequiredService<NodeMessageSerializer>(),
            provider.GetService<TimeProvider>()));
        services.TryAddSingleton<INodeTransport>(static provider => provider.GetRequiredService<HttpNodeTransport>());
        return services;
    }
}
