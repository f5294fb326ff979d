using System.Collections.Concurrent;
using System.Net;
using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// The HTTP transport's batching: requests to a busy peer share round trips and still each get their own reply or
/// failure, and requests that wait on further calls never hold up replica reads and writes.
/// </summary>
public class RequestBatchingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestResources resources = new();

    [TearDown]
    public Task Dispose_hosts_and_clients() => resources.DisposeAllAsync();

    [Test]
    public async Task Requests_queued_behind_busy_batches_share_one_round_trip_and_each_get_their_own_reply()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = Holding(_ => true, gate.Task, twoHeld);
        var (node, transport, posts) = await StartAsync(handler);

        // Two requests fill the two batches a peer may have on the wire; the server holds both.
        var first = Enumerable.Range(0, 2).Select(i => transport.SendAsync(node, new ReplicaReadRequest($"key{i}"))).ToList();
        await twoHeld.Task.WaitAsync(Deadline); // the server holds the first two requests
        var queued = Enumerable.Range(2, 30).Select(i => transport.SendAsync(node, new ReplicaReadRequest($"key{i}"))).ToList();
        gate.SetResult();
        var replies = await Task.WhenAll(first.Concat(queued));

        Assert.Multiple(() =>
        {
            for (var i = 0; i < replies.Length; i++)
            {
                Assert.That(replies[i], Is.EqualTo(EchoOf(new ReplicaReadRequest($"key{i}"))), $"request {i} gets the reply to its own key");
            }

            Assert.That(handler.Calls, Is.EqualTo(32), "every request is handled once");
            Assert.That(posts.Count(path => path.EndsWith("/rpc", StringComparison.Ordinal)), Is.EqualTo(2), "the first two went alone");
            Assert.That(posts.Count(path => path == ChordKvsInternalApi.BatchPath), Is.EqualTo(1), "the 30 queued behind them went in one batch");
        });
    }

    [Test]
    public async Task An_item_the_peer_cannot_answer_fails_alone_within_its_batch()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = Holding(_ => true, gate.Task, twoHeld);
        var (node, transport, posts) = await StartAsync(handler);
        var unknown = new NodeInfo(new NodeId(node.Id.Value + 1), node.Address);

        var first = Enumerable.Range(0, 2).Select(i => transport.SendAsync(node, new ReplicaReadRequest($"key{i}"))).ToList();
        await twoHeld.Task.WaitAsync(Deadline); // the server holds the first two requests
        var known = transport.SendAsync(node, new ReplicaReadRequest("known"));
        var toUnknown = transport.SendAsync(unknown, new ReplicaReadRequest("unknown"));
        gate.SetResult();
        await Task.WhenAll(first);

        Assert.That(await known, Is.EqualTo(EchoOf(new ReplicaReadRequest("known"))));
        var failure = Assert.ThrowsAsync<NodeUnreachableException>(() => toUnknown);
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Node, Is.EqualTo(unknown));
            Assert.That(failure.Message, Does.Contain("does not host node " + unknown.Id).And.Contain("404"));
            Assert.That(posts.Count(path => path == ChordKvsInternalApi.BatchPath), Is.EqualTo(1), "both went in one batch");
        });
    }

    [Test]
    public async Task A_held_forwarded_request_does_not_hold_up_replica_reads_to_the_same_peer()
    {
        // A ping stands for a forwarded client request waiting on replicas: it is held until the test ends.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = Holding(request => request is PingRequest, release.Task, twoHeld);
        var (node, transport, _) = await StartAsync(handler);

        using var stop = new CancellationTokenSource();
        var held = Enumerable.Range(0, 4).Select(_ => transport.SendAsync(node, new PingRequest(), stop.Token)).ToList();
        await twoHeld.Task.WaitAsync(Deadline); // the server holds the two pings on the wire

        var reads = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => transport.SendAsync(node, new ReplicaReadRequest($"key{i}"))));

        Assert.That(reads, Is.EqualTo(Enumerable.Range(0, 5).Select(i => EchoOf(new ReplicaReadRequest($"key{i}")))), "replica reads are answered while the pings are held");
        Assert.That(held.All(task => !task.IsCompleted), Is.True, "the pings are still held");
        await stop.CancelAsync();
        var cancelled = await Task.WhenAll(held.Select(task => task.ContinueWith(t => t.IsCanceled, TaskScheduler.Default)));
        Assert.That(cancelled, Is.All.True, "the callers' cancellation ends their wait");
        release.SetResult();
    }

    [TestCase("[")]
    [TestCase("{}")]
    [TestCase("""[{"to":"1"}]""")]
    [TestCase("""[{"to":"1","request":{"$type":"no-such-request"}}]""")]
    public async Task Malformed_batch_is_answered_400_problem(string body)
    {
        var host = await KestrelTestHost.StartAsync();
        resources.Add(host);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        using var response = await client.PostAsync(host.Address + ChordKvsInternalApi.BatchPath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Batch_without_the_cluster_secret_is_answered_401_and_not_handled()
    {
        var host = resources.Add(await KestrelTestHost.StartAsync(options => options.ClusterSecret = "the-cluster-secret"));
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var node = host.AddNode(handler);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var body = $$$"""[{"to":"{{{node.Id}}}","request":{"$type":"ping"}},{"to":"{{{node.Id}}}","request":{"$type":"ping"}}]""";

        using var response = await client.PostAsync(host.Address + ChordKvsInternalApi.BatchPath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(handler.Calls, Is.Zero, "nothing in the batch reached the node");
        });
    }

    /// <summary>
    /// A handler that echoes every request, holding those <paramref name="held"/> selects until
    /// <paramref name="release"/> completes; <paramref name="twoHeld"/> completes when the second of them arrives.
    /// </summary>
    private static ScriptedHandler Holding(Func<NodeRequest, bool> held, Task release, TaskCompletionSource twoHeld)
    {
        var arrived = 0;
        return new(async (_, request, _) =>
        {
            if (held(request))
            {
                if (Interlocked.Increment(ref arrived) == 2)
                {
                    twoHeld.TrySetResult();
                }

                await release;
            }

            return EchoOf(request);
        });
    }

    /// <summary>A reply that names the request it answers, so that a test can tell replies apart.</summary>
    private static PingReply EchoOf(NodeRequest request) =>
        new PingReply(new NodeInfo(NodeId.ForKey(request.ToString()), "http://echo.invalid/"));

    private async Task<(NodeInfo Node, INodeTransport Transport, ConcurrentQueue<string> Posts)> StartAsync(INodeRequestHandler handler)
    {
        var host = await KestrelTestHost.StartAsync();
        resources.Add(host);
        var node = host.AddNode(handler);
        var posts = new ConcurrentQueue<string>();
        // Over HTTP, so that the recorder sees how requests were grouped; PeerStreamTests cover the stream.
        var provider = HttpTestClient.Create(options => options.UsePeerStreams = false, services => services
            .AddHttpClient(HttpNodeTransport.HttpClientName)
            .AddHttpMessageHandler(() => new PathRecorder(posts)));
        resources.Add(provider);
        return (node, provider.Transport(), posts);
    }

    /// <summary>Records the path of every request the transport's HTTP client sends.</summary>
    private sealed class PathRecorder(ConcurrentQueue<string> paths) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            paths.Enqueue(request.RequestUri!.AbsolutePath);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
