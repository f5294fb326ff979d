using System.Net;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a port the system picks, serving the internal API in the test
/// process. It hosts any number of nodes, which share its address as virtual nodes do.
/// </summary>
internal sealed class KestrelTestHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private int nextVirtualNode;

    private KestrelTestHost(WebApplication app, string address)
    {
        this.app = app;
        Address = address;
        Registry = app.Services.GetRequiredService<LocalNodeRegistry>();
        Logs = app.Services.GetRequiredService<CapturingLoggerProvider>();
    }

    /// <summary>The base URL the server listens on, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; }

    /// <summary>The nodes the server hosts.</summary>
    public LocalNodeRegistry Registry { get; }

    /// <summary>What the server logged.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>
    /// Starts a server with the given transport options and extra services; <paramref name="configureApp"/> may add
    /// middleware or conventions to the internal endpoints' group.
    /// </summary>
    public static async Task<KestrelTestHost> StartAsync(
        Action<HttpTransportOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication, RouteGroupBuilder>? configureApp = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton(logs);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddChordKvsHttpTransport(configure);

        var app = builder.Build();
        var internalApi = app.MapChordKvsInternal();
        configureApp?.Invoke(app, internalApi);
        try
        {
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new KestrelTestHost(app, address);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Hosts a new node, with the identifier a production node at this address would get, answering with <paramref name="handler"/>.</summary>
    public NodeInfo AddNode(INodeRequestHandler handler)
    {
        var node = NodeInfo.FromAddress(Address, nextVirtualNode++);
        Registry.Register(node.Id, handler);
        return node;
    }

    /// <summary>Stops the server at once, aborting open connections, as a crash would.</summary>
    public Task StopAsync() => app.StopAsync(new CancellationToken(canceled: true));

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
