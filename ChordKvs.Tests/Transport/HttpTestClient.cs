using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Tests.Transport;

/// <summary>The sending side of the HTTP transport, configured as a node would configure it.</summary>
internal static class HttpTestClient
{
    /// <summary>
    /// A service provider holding an <see cref="HttpNodeTransport"/> with the given options. Unless a test
    /// sets them, attempts may take 5 s: a test about anything but timeouts must not fail because a loaded
    /// machine served one request slowly (the first request to a server also pays for JIT compilation).
    /// </summary>
    public static ServiceProvider Create(Action<HttpTransportOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var services = new ServiceCollection();
        configureServices?.Invoke(services);
        services.AddChordKvsHttpTransport(options =>
        {
            options.AttemptTimeout = TimeSpan.FromSeconds(5);
            options.TotalTimeout = TimeSpan.FromSeconds(20);
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The transport held by <paramref name="provider"/>.</summary>
    public static INodeTransport Transport(this IServiceProvider provider) => provider.GetRequiredService<INodeTransport>();
}
