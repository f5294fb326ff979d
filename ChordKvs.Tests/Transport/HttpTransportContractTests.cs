using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// The transport contract over real HTTP: every node is its own Kestrel server on a loopback port, and every
/// call carries the cluster secret, so the guarded path is the one under test. It runs once as a library user gets
/// the transport, and once with <see cref="HttpTransportOptions.CompleteRepliesInline"/> as <c>chordkvs node</c> runs it.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class HttpTransportContractTests(bool completeRepliesInline) : TransportContractTests
{
    // Longer than the defaults so that a slow first request on a loaded machine is not taken for a dead node;
    // a stopped node still fails at once, because its port refuses the connection.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(6);

    private readonly List<KestrelTestHost> hosts = [];
    private readonly Dictionary<NodeInfo, KestrelTestHost> hostOf = [];
    private ServiceProvider? client;

    protected override TimeSpan FailureDeadline => TotalTimeout + TimeSpan.FromSeconds(5);

    private void Configure(HttpTransportOptions options)
    {
        options.CompleteRepliesInline = completeRepliesInline;
        options.ClusterSecret = "contract-tests-secret";
        options.AttemptTimeout = AttemptTimeout;
        options.TotalTimeout = TotalTimeout;
    }

    protected override async Task<IReadOnlyList<NodeInfo>> StartNodesAsync(IReadOnlyList<INodeRequestHandler> handlers)
    {
        var nodes = new List<NodeInfo>();
        foreach (var handler in handlers)
        {
            var host = await KestrelTestHost.StartAsync(Configure);
            hosts.Add(host);
            var node = host.AddNode(handler);
            hostOf[node] = host;
            nodes.Add(node);
        }

        return nodes;
    }

    protected override INodeTransport TransportFor(NodeInfo sender) => (client ??= HttpTestClient.Create(Configure)).Transport();

    protected override Task StopNodeAsync(NodeInfo node) => hostOf[node].StopAsync();

    protected override async Task StopAllNodesAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        hosts.Clear();
        hostOf.Clear();
        if (client is not null)
        {
            await client.DisposeAsync();
            client = null;
        }
    }
}
