using ChordKvs.Transport.Http;
using ChordKvs.Transport.Http.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a ChordKvs node in an ASP.NET Core host.</summary>
public static class ChordKvsServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything a node needs: the HTTP transport (<c>AddChordKvsHttpTransport</c>), the
    /// <see cref="ChordKvsNodeService"/> that creates or joins the ring once the server listens and leaves it when
    /// the host stops, problem-details answers, the node's metrics and readiness check, and Kestrel's listen address from
    /// <see cref="ChordKvsNodeOptions.ListenAddress"/>. Map the endpoints with <c>MapChordKvs</c>.
    /// Calling it again only applies <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the <see cref="ChordKvsNodeOptions"/>; they can also be bound from configuration.</param>
    /// <remarks>
    /// Time comes from the registered <see cref="TimeProvider"/> (<see cref="TimeProvider.System"/> unless one is
    /// registered). A <see cref="ChordKvsNodeOptions.ClusterSecret"/> overrides the transport's secret.
    /// </remarks>
    public static IServiceCollection AddChordKvs(this IServiceCollection services, Action<ChordKvsNodeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ChordKvsNodeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(descriptor => descriptor.ServiceType == typeof(ChordKvsNodeService)))
        {
            return services;
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChordKvsNodeOptions>, ChordKvsNodeOptionsValidator>());
        services.AddChordKvsHttpTransport();
        services.AddOptions<HttpTransportOptions>().Configure<IOptions<ChordKvsNodeOptions>>(static (transport, node) =>
        {
            if (node.Value.ClusterSecret is { Length: > 0 } secret)
            {
                transport.ClusterSecret = secret;
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, ChordKvsKestrelSetup>());
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(BootstrapResolver.HttpClientName, static client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddChordKvsOperations();
        services.AddSingleton<ChordKvsNodeService>();
        services.AddHostedService(static provider => provider.GetRequiredService<ChordKvsNodeService>());
        return services;
    }
}
