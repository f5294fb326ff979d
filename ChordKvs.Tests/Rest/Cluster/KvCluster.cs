using System.Globalization;
using System.Net.Http.Headers;
using ChordKvs.Host;
using ChordKvs.Tests.Hosting;
using ChordKvs.Tests.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
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

    private readonly SingleNodes nodes = new();
    private readonly List<WebApplication> apps = [];
    private readonly List<string> urls = [];

    private KvCluster()
    {
    }

    /// <summary>Each node's base URL, in start order; the first one created the ring.</summary>
    public IReadOnlyList<string> Urls => urls;

    /// <summary>A client for the nodes' public API.</summary>
    public HttpClient Client => nodes.Client;

    /// <summary>Everything the nodes logged.</summary>
    public CapturingLoggerProvider Logs => nodes.Logs;

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
                var app = await cluster.nodes.StartAsync(Settings(cluster.urls.FirstOrDefault(), virtualNodes));
                cluster.apps.Add(app);
                cluster.urls.Add(SingleNodes.Url(app));
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

    public ValueTask DisposeAsync() => nodes.DisposeAsync();

    /// <summary>The hosted node service of node <paramref name="node"/>.</summary>
    public ChordKvsNodeService Service(int node) => SingleNodes.Service(apps[node]);

    /// <summary>What the test nodes set on top of <see cref="SingleNodes"/>' fast ring timings and seeds.</summary>
    private static Dictionary<string, string?> Settings(string? joinUrl, int virtualNodes) => new()
    {
        [nameof(ChordKvsNodeOptions.VirtualNodes)] = virtualNodes.ToString(CultureInfo.InvariantCulture),
        [nameof(ChordKvsNodeOptions.JoinUrl)] = joinUrl,
        [nameof(ChordKvsNodeOptions.ClusterSecret)] = "integration-tests-secret",
        [nameof(ChordKvsNodeOptions.JoinRetryInitialDelay)] = "00:00:00.100",
        [nameof(ChordKvsNodeOptions.JoinRetryMaxDelay)] = "00:00:01",
        ["Node:Ring:FixFingersInterval"] = "00:00:00.500",
        ["Node:Limits:MaxKeyBytes"] = MaxKeyBytes.ToString(CultureInfo.InvariantCulture),
        ["Node:Limits:MaxValueBytes"] = MaxValueBytes.ToString(CultureInfo.InvariantCulture),

        // As chordkvs node has it (NodeApplication, with the inline socket completions the test process lacks).
        ["Transport:" + nameof(HttpTransportOptions.CompleteRepliesInline)] = "true",
    };
}
