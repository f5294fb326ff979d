using System.Globalization;
using System.Net.Http.Headers;
using ChordKvs.Host;
using ChordKvs.Tests.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>
/// Real Kestrel nodes on 127.0.0.1 ports the system picks, in the test process, each built exactly as
/// <c>chordkvs node</c> builds it (<see cref="NodeApplication"/>), forming one ring over the HTTP transport.
/// </summary>
internal sealed class KvCluster : IAsyncDisposable
{
    /// <summary>The key limit of the test nodes, small so that the limit is cheap to cross.</summary>
    public const int MaxKeyBytes = 256;

    /// <summary>The value limit of the test nodes.</summary>
    public const int MaxValueBytes = 16 * 1024;

    private readonly List<WebApplication> apps = [];
    private readonly List<string> urls = [];

    private KvCluster()
    {
    }

    /// <summary>Each node's base URL, in start order; the first one created the ring.</summary>
    public IReadOnlyList<string> Urls => urls;

    /// <summary>A client for the nodes' public API.</summary>
    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Everything the nodes logged.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>
    /// Starts <paramref name="count"/> nodes of <paramref name="virtualNodes"/> ring members each and waits until every
    /// node's ring walk finds all of them.
    /// </summary>
    public static async Task<KvCluster> StartAsync(int count, TimeSpan formationTimeout, int virtualNodes = 1)
    {
        var cluster = new KvCluster();
        try
        {
            for (var index = 0; index < count; index++)
            {
                var app = NodeApplication.Build(
                    Settings(index, cluster.urls.FirstOrDefault(), virtualNodes),
                    readEnvironment: false,
                    logging => logging.ClearProviders().AddProvider(cluster.Logs).SetMinimumLevel(LogLevel.Information),
                    handleSignals: false);
                cluster.apps.Add(app);
                await app.StartAsync();
                cluster.urls.Add(app.Services.GetRequiredService<ChordKvsNodeService>().Self!.Address);
            }

            var notFormed = await RingFormation.WaitAsync(cluster.Client, cluster.urls, virtualNodes, formationTimeout, TimeProvider.System, CancellationToken.None);
            if (notFormed is not null)
            {
                Assert.Fail($"{count} nodes did not form one ring within {formationTimeout.TotalSeconds} s; last seen: {notFormed}.{Environment.NewLine}{cluster.DescribeTrouble()}");
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The absolute URI of <c>/kv/{encodedKey}</c> on node <paramref name="node"/>; the key is sent exactly as given.</summary>
    public Uri KeyUri(int node, string encodedKey, string query = "") =>
        new($"{urls[node]}/kv/{encodedKey}{query}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    /// <summary>PUTs <paramref name="json"/> as UTF-8 to the key through node <paramref name="node"/>.</summary>
    public async Task<HttpResponseMessage> PutAsync(int node, string encodedKey, string json, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, KeyUri(node, encodedKey))
        {
            Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        adjust?.Invoke(request);
        return await Client.SendAsync(request);
    }

    /// <summary>GETs the key through node <paramref name="node"/>.</summary>
    public async Task<HttpResponseMessage> GetAsync(int node, string encodedKey, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, KeyUri(node, encodedKey));
        adjust?.Invoke(request);
        return await Client.SendAsync(request);
    }

    /// <summary>DELETEs the key through node <paramref name="node"/>.</summary>
    public async Task<HttpResponseMessage> DeleteAsync(int node, string encodedKey, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, KeyUri(node, encodedKey));
        adjust?.Invoke(request);
        return await Client.SendAsync(request);
    }

    /// <summary>The warnings and errors the nodes logged, for failure messages.</summary>
    public string DescribeTrouble()
    {
        var trouble = Logs.Entries.Where(entry => entry.Level >= LogLevel.Warning).TakeLast(20)
            .Select(entry => $"  {entry.Level} {entry.Category}: {entry.Message}{(entry.Exception is null ? string.Empty : " — " + entry.Exception.GetType().Name + ": " + entry.Exception.Message)}")
            .ToList();
        return trouble.Count == 0 ? "The nodes logged no warnings." : "Last warnings and errors the nodes logged:" + Environment.NewLine + string.Join(Environment.NewLine, trouble);
    }

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

    /// <summary>The hosted node service of node <paramref name="node"/>.</summary>
    public ChordKvsNodeService Service(int node) => apps[node].Services.GetRequiredService<ChordKvsNodeService>();

    private static Dictionary<string, string?> Settings(int index, string? joinUrl, int virtualNodes) => new()
    {
        [nameof(ChordKvsNodeOptions.VirtualNodes)] = virtualNodes.ToString(CultureInfo.InvariantCulture),
        [nameof(ChordKvsNodeOptions.ListenAddress)] = "127.0.0.1:0",
        [nameof(ChordKvsNodeOptions.JoinUrl)] = joinUrl,
        [nameof(ChordKvsNodeOptions.ClusterSecret)] = "integration-tests-secret",
        [nameof(ChordKvsNodeOptions.RandomSeed)] = (index + 1).ToString(CultureInfo.InvariantCulture),
        [nameof(ChordKvsNodeOptions.JoinRetryInitialDelay)] = "00:00:00.100",
        [nameof(ChordKvsNodeOptions.JoinRetryMaxDelay)] = "00:00:01",
        ["Node:Ring:StabilizeInterval"] = "00:00:00.100",
        ["Node:Ring:CheckPredecessorInterval"] = "00:00:00.200",
        ["Node:Ring:FixFingersInterval"] = "00:00:00.500",
        ["Node:Limits:MaxKeyBytes"] = MaxKeyBytes.ToString(CultureInfo.InvariantCulture),
        ["Node:Limits:MaxValueBytes"] = MaxValueBytes.ToString(CultureInfo.InvariantCulture),
    };
}
