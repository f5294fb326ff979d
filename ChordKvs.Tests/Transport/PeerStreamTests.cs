using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// The peer stream (<c>GET /internal/v1/stream</c>): requests travel over one WebSocket per peer process when the
/// peer serves it, over HTTP when it does not, and every way the stream fails ends in a
/// <see cref="NodeUnreachableException"/> or a fallback, never in a hang or a crashed node.
/// </summary>
public class PeerStreamTests
{
    private const string Secret = "s3cret-of-the-cluster";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestResources resources = new();

    [TearDown]
    public Task Dispose_hosts_and_clients() => resources.DisposeAllAsync();

    [Test]
    public async Task Requests_travel_over_the_stream_when_the_peer_serves_it()
    {
        var streams = new StreamCounter();
        var host = resources.Add(await KestrelTestHost.StartAsync(configureApp: streams.Install));
        var handler = ScriptedHandler.Replying(EchoOf);
        var node = host.AddNode(handler);
        var (transport, posts) = CreateTransport();

        var replies = new List<NodeReply>();
        foreach (var i in Enumerable.Range(0, 3))
        {
            replies.Add(await transport.SendAsync(node, new ReplicaReadRequest($"key{i}")));
        }

        replies.AddRange(await Task.WhenAll(Enumerable.Range(3, 20).Select(i => transport.SendAsync(node, new ReplicaReadRequest($"key{i}")))));
        replies.Add(await transport.SendAsync(node, new PingRequest()));

        Assert.Multiple(() =>
        {
            Assert.That(replies.Take(23), Is.EqualTo(Enumerable.Range(0, 23).Select(i => EchoOf(new ReplicaReadRequest($"key{i}")))), "each request gets the reply to its own key");
            Assert.That(replies[^1], Is.EqualTo(EchoOf(new PingRequest())));
            Assert.That(handler.Calls, Is.EqualTo(24), "every request is handled once");
            Assert.That(posts, Is.Empty, "no request went by HTTP");
            Assert.That(streams.Opened, Is.EqualTo(1), "one stream serves both lanes and every request");
        });
    }

    [Test]
    public async Task A_held_forwarded_request_on_the_stream_does_not_hold_up_replica_reads()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pingHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (_, request, _) =>
        {
            if (request is PingRequest)
            {
                pingHeld.TrySetResult();
                await release.Task;
            }

            return EchoOf(request);
        });
        var host = resources.Add(await KestrelTestHost.StartAsync());
        var node = host.AddNode(handler);
        var (transport, posts) = CreateTransport();

        var held = transport.SendAsync(node, new PingRequest());
        await pingHeld.Task.WaitAsync(Deadline);
        var reads = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => transport.SendAsync(node, new ReplicaReadRequest($"key{i}")))).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(reads, Is.EqualTo(Enumerable.Range(0, 5).Select(i => EchoOf(new ReplicaReadRequest($"key{i}")))), "replica reads are answered while the ping is held");
            Assert.That(held.IsCompleted, Is.False, "the ping is still held");
            Assert.That(posts, Is.Empty, "everything went over the stream");
        });
        release.SetResult();
        Assert.That(await held.WaitAsync(Deadline), Is.EqualTo(EchoOf(new PingRequest())), "the held request is answered when released");
    }

    [Test]
    public async Task A_peer_without_the_stream_endpoint_is_reached_over_http_and_the_stream_is_retried_after_the_backoff()
    {
        var streams = new StreamCounter(answer404: true);
        var host = resources.Add(await KestrelTestHost.StartAsync(configureApp: streams.Install));
        var handler = ScriptedHandler.Replying(EchoOf);
        var node = host.AddNode(handler);
        var time = new FakeTimeProvider();
        var (transport, posts) = CreateTransport(time: time);

        foreach (var i in Enumerable.Range(0, 3))
        {
            Assert.That(await transport.SendAsync(node, new ReplicaReadRequest($"key{i}")), Is.EqualTo(EchoOf(new ReplicaReadRequest($"key{i}"))));
        }

        Assert.Multiple(() =>
        {
            Assert.That(posts.Count(path => path.EndsWith("/rpc", StringComparison.Ordinal)), Is.EqualTo(3), "every request went by HTTP");
            Assert.That(streams.Attempts, Is.EqualTo(1), $"the stream is not tried again within {PeerStream.ReconnectBackoff}");
        });

        time.Advance(PeerStream.ReconnectBackoff);
        Assert.That(await transport.SendAsync(node, new PingRequest()), Is.EqualTo(EchoOf(new PingRequest())));
        Assert.That(streams.Attempts, Is.EqualTo(2), "after the backoff the stream is tried again");
    }

    [Test]
    public async Task A_peer_that_accepts_the_stream_without_naming_its_format_is_reached_over_http()
    {
        var streams = new StreamCounter(acceptWithoutFormat: true);
        var host = resources.Add(await KestrelTestHost.StartAsync(configureApp: streams.Install));
        var node = host.AddNode(ScriptedHandler.Replying(EchoOf));
        var (transport, posts) = CreateTransport(time: new FakeTimeProvider());

        var reply = await transport.SendAsync(node, new ReplicaReadRequest("key")).WaitAsync(Deadline);
        var next = await transport.SendAsync(node, new PingRequest()).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo(EchoOf(new ReplicaReadRequest("key"))), "the request is answered");
            Assert.That(next, Is.EqualTo(EchoOf(new PingRequest())));
            Assert.That(streams.Opened, Is.EqualTo(1), "the peer accepted the upgrade, as an older version would");
            Assert.That(posts.Count(path => path.EndsWith("/rpc", StringComparison.Ordinal)), Is.EqualTo(2), "both requests went by HTTP");
            Assert.That(streams.Attempts, Is.EqualTo(1), $"the stream is not tried again within {PeerStream.ReconnectBackoff}");
        });
    }

    [Test]
    public async Task A_wrong_secret_still_surfaces_as_the_cluster_secret_rejected()
    {
        var streams = new StreamCounter();
        var host = resources.Add(await KestrelTestHost.StartAsync(options => options.ClusterSecret = Secret, configureApp: streams.Install));
        var handler = ScriptedHandler.Replying(EchoOf);
        var node = host.AddNode(handler);
        var (transport, _) = CreateTransport(options => options.ClusterSecret = "another-secret");

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(node, new PingRequest()));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.InnerException, Is.InstanceOf<ClusterSecretRejectedException>(), "the HTTP path reports the refused secret");
            Assert.That(exception.Message, Does.Contain("cluster secret differs").And.Contain("401"));
            Assert.That(streams.Attempts, Is.EqualTo(1), "the stream was tried first");
            Assert.That(streams.Opened, Is.Zero, "a wrong secret never opens a stream");
            Assert.That(handler.Calls, Is.Zero, "nothing reached the node");
        });
    }

    [Test]
    public async Task The_right_secret_opens_the_stream()
    {
        var streams = new StreamCounter();
        var host = resources.Add(await KestrelTestHost.StartAsync(options => options.ClusterSecret = Secret, configureApp: streams.Install));
        var node = host.AddNode(ScriptedHandler.Replying(EchoOf));
        var (transport, posts) = CreateTransport(options => options.ClusterSecret = Secret);

        Assert.That(await transport.SendAsync(node, new PingRequest()), Is.EqualTo(EchoOf(new PingRequest())));
        Assert.That(posts, Is.Empty, "the request went over the stream");
        Assert.That(streams.Opened, Is.EqualTo(1));
    }

    [TestCase(null)]
    [TestCase("another-secret")]
    public async Task Upgrade_without_the_secret_is_answered_401_before_the_upgrade(string? presented)
    {
        var host = resources.Add(await KestrelTestHost.StartAsync(options => options.ClusterSecret = Secret));
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (presented is not null)
        {
            socket.Options.SetRequestHeader(ChordKvsInternalApi.SecretHeaderName, presented);
        }

        Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(StreamUri(host), CancellationToken.None));
        Assert.That(socket.HttpStatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Plain_get_of_the_stream_path_is_answered_400_problem()
    {
        var host = resources.Add(await KestrelTestHost.StartAsync());
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        using var response = await client.GetAsync(host.Address + ChordKvsInternalApi.StreamPath);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_stream_the_server_closes_mid_flight_fails_the_waiting_requests_and_the_next_request_reconnects()
    {
        var streams = new StreamCounter();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (_, request, cancellationToken) =>
        {
            switch (request)
            {
                case ReplicaReadRequest { Key: "held" }:
                    held.TrySetResult();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case ReplicaReadRequest { Key: "abort" }:
                    // The stream's own HTTP request: aborting it drops the connection under both requests.
                    streams.Current!.Abort();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
            }

            return EchoOf(request);
        });
        var host = resources.Add(await KestrelTestHost.StartAsync(configureApp: streams.Install));
        var node = host.AddNode(handler);
        var (transport, posts) = CreateTransport();

        var first = transport.SendAsync(node, new ReplicaReadRequest("held"));
        await held.Task.WaitAsync(Deadline);
        var second = transport.SendAsync(node, new ReplicaReadRequest("abort"));
        var failures = new[] { first, second }.Select(task => Assert.ThrowsAsync<NodeUnreachableException>(() => task.WaitAsync(Deadline))).ToList();

        var reply = await transport.SendAsync(node, new ReplicaReadRequest("after")).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(failures.Select(failure => failure!.Message), Has.All.Contain("peer stream"), "the failures name the broken stream");
            Assert.That(reply, Is.EqualTo(EchoOf(new ReplicaReadRequest("after"))), "the next request is answered");
            Assert.That(streams.Opened, Is.EqualTo(2), "over a new stream");
            Assert.That(posts, Is.Empty, "nothing went by HTTP");
        });
    }

    [Test]
    public async Task A_peer_that_never_answers_on_the_stream_fails_the_request_within_the_attempt_timeout_and_gets_the_next_by_http()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (call, request, cancellationToken) =>
        {
            if (call == 1)
            {
                arrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return EchoOf(request);
        });
        var host = resources.Add(await KestrelTestHost.StartAsync());
        var node = host.AddNode(handler);
        var time = new FakeTimeProvider();
        var (transport, posts) = CreateTransport(options => options.AttemptTimeout = TimeSpan.FromSeconds(2), time);

        var stalled = transport.SendAsync(node, new ReplicaReadRequest("stalled"));
        await arrived.Task.WaitAsync(Deadline);
        Assert.That(stalled.IsCompleted, Is.False, "no answer yet");
        time.Advance(TimeSpan.FromSeconds(2));
        var failure = Assert.ThrowsAsync<NodeUnreachableException>(() => stalled.WaitAsync(Deadline));
        var next = await transport.SendAsync(node, new ReplicaReadRequest("next")).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("no answer").And.Contain("peer stream").And.Contain("2000 ms"));
            Assert.That(next, Is.EqualTo(EchoOf(new ReplicaReadRequest("next"))));
            Assert.That(posts.Count(path => path.EndsWith("/rpc", StringComparison.Ordinal)), Is.EqualTo(1), "after a timeout the peer's next request goes by HTTP");
        });
    }

    [TestCase(WebSocketMessageType.Binary, "12345678[{", TestName = "Message_that_is_no_batch_closes_the_stream_and_the_node_keeps_serving")]
    [TestCase(WebSocketMessageType.Binary, "1234", TestName = "Message_shorter_than_its_identifier_closes_the_stream_and_the_node_keeps_serving")]
    [TestCase(WebSocketMessageType.Text, "12345678[]", TestName = "Text_message_closes_the_stream_and_the_node_keeps_serving")]
    public async Task Malformed_message_closes_the_stream_and_the_node_keeps_serving(WebSocketMessageType type, string message)
    {
        var host = resources.Add(await KestrelTestHost.StartAsync());
        var node = host.AddNode(ScriptedHandler.Replying(EchoOf));

        var (status, _) = await SendRawAsync(host, Encoding.UTF8.GetBytes(message), type);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        var (transport, posts) = CreateTransport();
        Assert.That(await transport.SendAsync(node, new PingRequest()), Is.EqualTo(EchoOf(new PingRequest())), "the node still answers");
        Assert.That(posts, Is.Empty, "over a new stream");
    }

    [Test]
    public async Task Upgrade_without_the_stream_format_is_answered_400_problem_and_a_transport_without_it_is_served_by_http()
    {
        var host = resources.Add(await KestrelTestHost.StartAsync());
        host.AddNode(ScriptedHandler.Replying(EchoOf));
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var deadline = new CancellationTokenSource(Deadline);

        Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(StreamUri(host), deadline.Token), "a node of another version, which asks for no format or another one, is refused");
        Assert.That((int)socket.HttpStatusCode, Is.EqualTo(400));
    }

    [Test]
    public async Task Message_over_the_internal_body_limit_closes_the_stream()
    {
        var host = resources.Add(await KestrelTestHost.StartAsync(configureApp: (_, group) => group.WithMetadata(new RequestSizeLimitAttribute(1024))));
        var handler = ScriptedHandler.Replying(EchoOf);
        host.AddNode(handler);

        var (status, _) = await SendRawAsync(host, new byte[2048], WebSocketMessageType.Binary);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
        Assert.That(handler.Calls, Is.Zero);
    }

    /// <summary>Sends one message on a raw WebSocket and returns how the server closed it.</summary>
    private static async Task<(WebSocketCloseStatus? Status, string? Reason)> SendRawAsync(KestrelTestHost host, byte[] message, WebSocketMessageType type)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(PeerStreamFormat.SubProtocol);
        using var deadline = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(StreamUri(host), deadline.Token);
        await socket.SendAsync(message, type, endOfMessage: true, deadline.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, deadline.Token);
        Assert.That(received.MessageType, Is.EqualTo(WebSocketMessageType.Close), "the server closes the stream instead of answering");
        return (socket.CloseStatus, socket.CloseStatusDescription);
    }

    private static Uri StreamUri(KestrelTestHost host) => new(host.Address.Replace("http://", "ws://", StringComparison.Ordinal) + ChordKvsInternalApi.StreamPath);

    /// <summary>A reply that names the request it answers, so that a test can tell replies apart.</summary>
    private static PingReply EchoOf(NodeRequest request) =>
        new(new NodeInfo(NodeId.ForKey(request.ToString()), "http://echo.invalid/"));

    private (INodeTransport Transport, ConcurrentQueue<string> Posts) CreateTransport(Action<HttpTransportOptions>? configure = null, TimeProvider? time = null)
    {
        var posts = new ConcurrentQueue<string>();
        var provider = HttpTestClient.Create(configure, services =>
        {
            if (time is not null)
            {
                services.AddSingleton(time);
            }

            services.AddHttpClient(HttpNodeTransport.HttpClientName).AddHttpMessageHandler(() => new PathRecorder(posts));
        });
        resources.Add(provider);
        return (provider.Transport(), posts);
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

    /// <summary>
    /// Counts the requests for the stream endpoint at a test server, and the streams it opened; keeps the context of
    /// the latest, so a test can drop it; or answers 404 to all of them, as a node of an older version would; or
    /// accepts them without naming the stream format, as a node of the version before the binary format did.
    /// </summary>
    private sealed class StreamCounter(bool answer404 = false, bool acceptWithoutFormat = false)
    {
        private int attempts;
        private int opened;

        public int Attempts => Volatile.Read(ref attempts);

        public int Opened => Volatile.Read(ref opened);

        public HttpContext? Current { get; private set; }

        public void Install(WebApplication app, RouteGroupBuilder internalApi)
        {
            if (acceptWithoutFormat)
            {
                // The node's own stream endpoint brings the WebSocket middleware along; this stand-in for an older
                // version answers before it, so it needs the middleware in the application's pipeline.
                app.UseWebSockets();
            }

            app.Use(InterceptAsync);
        }

        private async Task InterceptAsync(HttpContext context, RequestDelegate next)
        {
            if (context.Request.Path != ChordKvsInternalApi.StreamPath)
            {
                await next(context);
                return;
            }

            Interlocked.Increment(ref attempts);
            if (answer404)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            Current = context;
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status101SwitchingProtocols)
                {
                    Interlocked.Increment(ref opened);
                }

                return Task.CompletedTask;
            });

            if (!acceptWithoutFormat)
            {
                await next(context);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            try
            {
                // Held until the other side gives up on it.
                await socket.ReceiveAsync(new byte[1024], context.RequestAborted);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The other side closed or aborted the connection, which is what the test expects.
            }
        }
    }
}
