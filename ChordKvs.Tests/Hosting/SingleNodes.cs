using System.Globalization;
using ChordKvs.Host;
using ChordKvs.Tests.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Hosting;

/// <summary>
/// Nodes built exactly as <c>chordkvs node</c> builds them, on 127.0.0.1 ports the system picks, each with the
/// settings a test gives; stopped (last started first) when disposed.
/// </summary>
internal sealed class SingleNodes : IAsyncDisposable
{
    private readonly List<WebApplication> apps = [];

    /// <summary>Everything the nodes logged.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>A client for the nodes' public API.</summary>
    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts a node; <paramref name="settings"/> add to or override fast ring timings and a fixed seed.</summary>
    public async Task<WebApplication> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(ChordKvsNodeOptions.ListenAddress)] = "127.0.0.1:0",
            [nameof(ChordKvsNodeOptions.RandomSeed)] = (apps.Count + 1).ToString(CultureInfo.InvariantCulture),
            [nameof(ChordKvsNodeOptions.JoinRetryInitialDelay)] = "00:00:00.050",
            [nameof(ChordKvsNodeOptions.JoinRetryMaxDelay)] = "00:00:00.200",
            ["Node:Ring:StabilizeInterval"] = "00:00:00.100",
            ["Node:Ring:CheckPredecessorInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = NodeApplication.Build(all, readEnvironment: false, logging => logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Information), handleSignals: false);
        await StartAlongsideAsync(app);
        return app;
    }

    /// <summary>Starts an application that is not a node (a stand-in peer, say), to be stopped in turn with the nodes.</summary>
    public async Task StartAlongsideAsync(WebApplication app)
    {
        apps.Add(app);
        await app.StartAsync();
    }

    /// <summary>Stops a node the way a crash does: its server closes and its ring members stop without leaving.</summary>
    public async Task CrashAsync(WebApplication node)
    {
        apps.Remove(node);
        await node.DisposeAsync();
    }

    /// <summary>The node's advertised base URL.</summary>
    public static string Url(WebApplication node) => Service(node).Self!.Address;

    /// <summary>The node's hosted service.</summary>
    public static ChordKvsNodeService Service(WebApplication node) => node.Services.GetRequiredService<ChordKvsNodeService>();

    public async ValueTask DisposeAsync()
    {
        // Last started first, so that each node leaves a ring whose other nodes are still there.
        for (var index = apps.Count - 1; index >= 0; index--)
        {
            await apps[index].StopAsync(CancellationToken.None);
            await apps[index].DisposeAsync();
        }

        apps.Clear();
        Client.Dispose();
        Logs.Dispose();
    }
}
