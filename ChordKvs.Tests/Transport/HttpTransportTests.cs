using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// What only the HTTP transport has: the cluster secret, problem+json answers, retries that respect
/// idempotency, a circuit breaker per peer and virtual nodes behind one address.
/// </summary>
public class HttpTransportTests
{
    private const string Secret = "s3cret-of-the-cluster";
    private const string PingBody = """{"$type":"ping"}""";

    private readonly TestResources resources = new();

    [TearDown]
    public Task Dispose_hosts_and_clients() => resources.DisposeAllAsync();

    private async Task<KestrelTestHost> StartHostAsync(Action<HttpTransportOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var host = await KestrelTestHost.StartAsync(configure, configureServices);
        resources.Add(host);
        return host;
    }

    private INodeTransport CreateTransport(Action<HttpTransportOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var provider = HttpTestClient.Create(configure, configureServices);
        resources.Add(provider);
        return provider.Transport();
    }

    private HttpClient CreateRawClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        resources.Add(new DisposableAdapter(client));
        return client;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, NodeInfo node, string body, string? secret = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, node.Address + ChordKvsInternalApi.RpcPath(node.Id))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add(ChordKvsInternalApi.SecretHeaderName, secret);
        }

        return await client.SendAsync(request);
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), "errors are RFC 9457 problem details");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(document.RootElement.GetProperty("status").GetInt32(), Is.EqualTo((int)response.StatusCode), "the problem's status matches the response");
        return document.RootElement.GetProperty("detail").GetString() ?? string.Empty;
    }

    private static void WithSecret(HttpTransportOptions options) => options.ClusterSecret = Secret;

    /// <summary>Retries and the circuit breaker belong to the HTTP path: batches on the peer stream are never retried.</summary>
    private static void HttpPathOnly(HttpTransportOptions options) => options.UsePeerStreams = false;

    [Test]
    public async Task Transport_with_the_right_secret_is_answered()
    {
        var host = await StartHostAsync(WithSecret);
        var node = host.AddNode(ScriptedHandler.Replying(new PingReply(new NodeInfo(new NodeId(7), "x"))));

        var reply = await CreateTransport(WithSecret).SendAsync(node, new PingRequest());

        Assert.That(reply, Is.EqualTo(new PingReply(new NodeInfo(new NodeId(7), "x"))));
    }

    [TestCase(null, TestName = "Transport_without_the_secret_is_refused_with_a_reason_naming_the_secret")]
    [TestCase("another-secret", TestName = "Transport_with_a_different_secret_is_refused_with_a_reason_naming_the_secret")]
    public async Task Transport_with_a_wrong_secret_is_refused(string? clientSecret)
    {
        var host = await StartHostAsync(WithSecret);
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var node = host.AddNode(handler);
        var transport = CreateTransport(options => options.ClusterSecret = clientSecret);

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(node, new NotifyRequest(node)));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("cluster secret differs").And.Contain("401"));
            Assert.That(handler.Calls, Is.Zero, "a refused request never reaches the handler");
        });
    }

    [TestCase(null)]
    [TestCase("another-secret")]
    [TestCase("s3cret-of-the-cluste")]
    [TestCase("s3cret-of-the-cluster-")]
    public async Task Raw_request_without_the_secret_is_answered_401_problem(string? presented)
    {
        var host = await StartHostAsync(WithSecret);
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var node = host.AddNode(handler);

        using var response = await PostAsync(CreateRawClient(), node, PingBody, presented);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await ProblemDetailAsync(response), Does.Contain(ChordKvsInternalApi.SecretHeaderName));
        Assert.That(handler.Calls, Is.Zero);
    }

    [Test]
    public async Task Raw_request_with_the_secret_is_answered_with_the_reply()
    {
        var host = await StartHostAsync(WithSecret);
        var node = host.AddNode(ScriptedHandler.Replying(new PingReply(new NodeInfo(new NodeId(0xabc), "http://n"))));

        using var response = await PostAsync(CreateRawClient(), node, PingBody, Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(),
            Is.EqualTo("""{"$type":"ping","node":{"id":"0000000000000abc","address":"http://n"}}"""),
            "the wire format: $type first, camelCase names, identifiers as 16 hex digits");
    }

    [TestCase("{not json", TestName = "Body_that_is_not_json_is_answered_400_problem")]
    [TestCase("", TestName = "Empty_body_is_answered_400_problem")]
    [TestCase("null", TestName = "Json_null_body_is_answered_400_problem")]
    [TestCase("""{"$type":"no-such-message"}""", TestName = "Unknown_message_type_is_answered_400_problem")]
    [TestCase("""{"target":"0000000000000001"}""", TestName = "Message_without_type_is_answered_400_problem")]
    [TestCase("""{"$type":"find-successor-step","target":"not hex"}""", TestName = "Message_with_an_invalid_field_is_answered_400_problem")]
    public async Task Malformed_body_is_answered_400_problem(string body)
    {
        var host = await StartHostAsync();
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var node = host.AddNode(handler);

        using var response = await PostAsync(CreateRawClient(), node, body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ProblemDetailAsync(response), Does.Contain("not a ChordKvs node request").Or.Contain("null"));
        Assert.That(handler.Calls, Is.Zero, "a malformed request never reaches the handler");
    }

    [Test]
    public async Task Unknown_node_id_is_answered_404_problem()
    {
        var host = await StartHostAsync();
        var node = host.AddNode(ScriptedHandler.Replying(AckReply.Instance));
        var unknown = node with { Id = new NodeId(~node.Id.Value) };

        using var response = await PostAsync(CreateRawClient(), unknown, PingBody);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await ProblemDetailAsync(response), Does.Contain(unknown.Id.ToString()));
    }

    [Test]
    public async Task Path_segment_that_is_no_node_id_is_answered_400_problem()
    {
        var host = await StartHostAsync();
        using var response = await CreateRawClient().PostAsync(
            new Uri(host.Address + ChordKvsInternalApi.PathPrefix + "/nodes/not-a-node/rpc"),
            new StringContent(PingBody, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ProblemDetailAsync(response), Does.Contain("not a node identifier"));
    }

    [Test]
    public async Task Unknown_node_id_fails_the_transport_call_with_a_reason()
    {
        var host = await StartHostAsync();
        var node = host.AddNode(ScriptedHandler.Replying(AckReply.Instance));
        var unknown = node with { Id = new NodeId(~node.Id.Value) };

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => CreateTransport().SendAsync(unknown, new PingRequest()));

        Assert.That(exception!.Message, Does.Contain("does not host node " + unknown.Id).And.Contain("404"));
    }

    [Test]
    public async Task Handler_exception_is_answered_500_problem_and_logged()
    {
        var host = await StartHostAsync();
        var handler = ScriptedHandler.Throwing();
        var node = host.AddNode(handler);

        using var response = await PostAsync(CreateRawClient(), node, PingBody);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(await ProblemDetailAsync(response), Does.Contain(nameof(InvalidOperationException)).And.Contain(nameof(PingRequest)));
        var errors = host.Logs.Entries.Where(entry => entry.Level == LogLevel.Error).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), "the failure is logged once");
        Assert.That(errors[0].Exception, Is.InstanceOf<InvalidOperationException>().With.Message.EqualTo("Scripted failure of call 1."));
    }

    [Test]
    public async Task Handler_exception_fails_the_transport_call_with_a_reason()
    {
        var host = await StartHostAsync();
        var node = host.AddNode(ScriptedHandler.Throwing());

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => CreateTransport().SendAsync(node, new PingRequest()));

        Assert.That(exception!.Message, Does.Contain("failed to handle PingRequest").And.Contain("500"));
    }

    [Test]
    public async Task Idempotent_request_is_retried_after_a_failed_first_attempt()
    {
        var host = await StartHostAsync();
        var handler = ScriptedHandler.FailingFirst(new PingReply(new NodeInfo(new NodeId(1), "x")));
        var node = host.AddNode(handler);

        var reply = await CreateTransport(HttpPathOnly).SendAsync(node, new PingRequest());

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.InstanceOf<PingReply>(), "the retry's reply is returned");
            Assert.That(handler.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Non_idempotent_request_is_sent_once_even_when_the_first_attempt_fails()
    {
        var host = await StartHostAsync(configureServices: TestOnlyMessages.Register);
        var handler = ScriptedHandler.FailingFirst(AckReply.Instance);
        var node = host.AddNode(handler);
        var transport = CreateTransport(configureServices: TestOnlyMessages.Register);

        Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(node, new TestOnlyMessages.AppendRequest("once")));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Calls, Is.EqualTo(1), "a non-idempotent request must not be retried");
            Assert.That(handler.Received.Single(), Is.EqualTo(new TestOnlyMessages.AppendRequest("once")));
        });
    }

    [Test]
    public async Task Non_idempotent_request_is_delivered_when_nothing_fails()
    {
        var host = await StartHostAsync(configureServices: TestOnlyMessages.Register);
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var node = host.AddNode(handler);

        var reply = await CreateTransport(configureServices: TestOnlyMessages.Register).SendAsync(node, new TestOnlyMessages.AppendRequest("x"));

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.SameAs(AckReply.Instance).Or.InstanceOf<AckReply>());
            Assert.That(handler.Calls, Is.EqualTo(1));
        });
    }

    private static void ShortAttempts(HttpTransportOptions options)
    {
        options.AttemptTimeout = TimeSpan.FromMilliseconds(500);
        options.TotalTimeout = TimeSpan.FromSeconds(10);
    }

    [Test]
    public async Task Idempotent_request_is_retried_after_a_first_attempt_that_times_out()
    {
        var host = await StartHostAsync();
        var handler = ScriptedHandler.StallingFirst<GetNeighborsRequest>(new PingReply(new NodeInfo(new NodeId(1), "x")));
        var node = host.AddNode(handler);
        var transport = CreateTransport(options =>
        {
            ShortAttempts(options);
            HttpPathOnly(options);
        });
        await transport.SendAsync(node, new PingRequest());

        var reply = await transport.SendAsync(node, new GetNeighborsRequest());

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.InstanceOf<PingReply>(), "the retry's reply is returned");
            Assert.That(handler.Received.OfType<GetNeighborsRequest>().Count(), Is.GreaterThanOrEqualTo(2), "the stalled attempt was sent again");
        });
    }

    [Test]
    public async Task Non_idempotent_request_that_times_out_is_not_sent_again()
    {
        var host = await StartHostAsync(configureServices: TestOnlyMessages.Register);
        var handler = ScriptedHandler.StallingFirst<TestOnlyMessages.AppendRequest>(AckReply.Instance);
        var node = host.AddNode(handler);
        var transport = CreateTransport(ShortAttempts, TestOnlyMessages.Register);
        await transport.SendAsync(node, new PingRequest());

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(node, new TestOnlyMessages.AppendRequest("slow")));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("no answer").And.Contain("500 ms"));
            Assert.That(handler.Received.OfType<TestOnlyMessages.AppendRequest>().Count(), Is.EqualTo(1), "a non-idempotent request must not be retried after a timeout");
        });
    }

    [Test]
    public async Task Circuit_opens_for_a_failing_peer_only()
    {
        static void Breaker(HttpTransportOptions options)
        {
            options.MaxRetryAttempts = 0;
            options.CircuitBreakerMinimumThroughput = 2;
            options.CircuitBreakerFailureRatio = 1.0;
            options.CircuitBreakerSamplingDuration = TimeSpan.FromMinutes(1);
            options.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(1);
            HttpPathOnly(options);
        }

        var failingHandler = ScriptedHandler.Throwing();
        var failing = (await StartHostAsync()).AddNode(failingHandler);
        var healthyHandler = ScriptedHandler.Replying(AckReply.Instance);
        var healthy = (await StartHostAsync()).AddNode(healthyHandler);
        var transport = CreateTransport(Breaker);

        var first = Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(failing, new PingRequest()));
        var second = Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(failing, new PingRequest()));
        var third = Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(failing, new PingRequest()));
        var healthyReply = await transport.SendAsync(healthy, new NotifyRequest(healthy));

        Assert.Multiple(() =>
        {
            Assert.That(first!.Message, Does.Contain("500"));
            Assert.That(second!.Message, Does.Contain("500"));
            Assert.That(third!.Message, Does.Contain("circuit breaker is open"));
            Assert.That(failingHandler.Calls, Is.EqualTo(2), "the open circuit fails the third call without sending it");
            Assert.That(healthyReply, Is.InstanceOf<AckReply>(), "another peer has its own, closed circuit");
            Assert.That(healthyHandler.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Request_to_a_closed_port_fails_with_the_connection_error()
    {
        var host = await StartHostAsync();
        var node = host.AddNode(ScriptedHandler.Replying(AckReply.Instance));
        await host.StopAsync();

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => CreateTransport().SendAsync(node, new PingRequest()));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("HTTP request to " + new Uri(node.Address).Authority + " failed"));
            Assert.That(exception.InnerException, Is.InstanceOf<HttpRequestException>());
        });
    }

    [Test]
    public void Address_that_is_no_http_url_fails_as_unreachable()
    {
        var node = new NodeInfo(new NodeId(1), "not a url");

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => CreateTransport().SendAsync(node, new PingRequest()));

        Assert.That(exception!.Message, Does.Contain("is not an absolute http:// or https:// URL"));
    }

    [Test]
    public async Task Virtual_nodes_behind_one_address_each_answer_their_own_requests()
    {
        var host = await StartHostAsync(WithSecret);
        NodeInfo? first = null;
        NodeInfo? second = null;
        var firstHandler = ScriptedHandler.Replying(_ => new PingReply(first!));
        var secondHandler = ScriptedHandler.Replying(_ => new PingReply(second!));
        first = host.AddNode(firstHandler);
        second = host.AddNode(secondHandler);
        var transport = CreateTransport(WithSecret);

        var replyOfSecond = await transport.SendAsync(second, new PingRequest());
        var replyOfFirst = await transport.SendAsync(first, new PingRequest());

        Assert.Multiple(() =>
        {
            Assert.That(first.Address, Is.EqualTo(second.Address));
            Assert.That(first.Id, Is.Not.EqualTo(second.Id));
            Assert.That(replyOfFirst, Is.EqualTo(new PingReply(first)));
            Assert.That(replyOfSecond, Is.EqualTo(new PingReply(second)));
            Assert.That(firstHandler.Calls, Is.EqualTo(1));
            Assert.That(secondHandler.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unregistered_node_is_no_longer_answered()
    {
        var host = await StartHostAsync();
        var node = host.AddNode(ScriptedHandler.Replying(AckReply.Instance));
        var transport = CreateTransport();
        await transport.SendAsync(node, new PingRequest());

        Assert.That(host.Registry.Unregister(node.Id), Is.True);

        Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(node, new PingRequest()));
    }

    [Test]
    public async Task Registering_the_transport_twice_does_not_stack_retries()
    {
        var host = await StartHostAsync();
        var handler = ScriptedHandler.Throwing();
        var node = host.AddNode(handler);
        var transport = CreateTransport(
            options =>
            {
                options.MaxRetryAttempts = 1;
                HttpPathOnly(options);
            },
            services => services.AddChordKvsHttpTransport());

        Assert.ThrowsAsync<NodeUnreachableException>(() => transport.SendAsync(node, new PingRequest()));

        Assert.That(handler.Calls, Is.EqualTo(2), "one attempt and one retry, not a retry pipeline inside another");
    }

    [Test]
    public void Caller_cancellation_surfaces_as_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var node = new NodeInfo(new NodeId(1), "http://127.0.0.1:9");

        Assert.That(async () => await CreateTransport().SendAsync(node, new PingRequest(), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(nameof(HttpTransportOptions.AttemptTimeout))]
    [TestCase(nameof(HttpTransportOptions.TotalTimeout))]
    [TestCase(nameof(HttpTransportOptions.ClusterSecret))]
    [TestCase(nameof(HttpTransportOptions.CircuitBreakerMinimumThroughput))]
    [TestCase(nameof(HttpTransportOptions.CircuitBreakerFailureRatio))]
    public void Invalid_options_are_rejected_naming_the_setting(string setting)
    {
        Action<HttpTransportOptions> breakIt = setting switch
        {
            nameof(HttpTransportOptions.AttemptTimeout) => options => options.AttemptTimeout = TimeSpan.Zero,
            nameof(HttpTransportOptions.TotalTimeout) => options => options.TotalTimeout = options.AttemptTimeout / 2,
            nameof(HttpTransportOptions.ClusterSecret) => options => options.ClusterSecret = "has space",
            nameof(HttpTransportOptions.CircuitBreakerMinimumThroughput) => options => options.CircuitBreakerMinimumThroughput = 1,
            _ => options => options.CircuitBreakerFailureRatio = 0,
        };
        using var provider = HttpTestClient.Create(breakIt);

        Assert.That(() => provider.GetRequiredService<IOptions<HttpTransportOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains(setting));
    }

    [Test]
    public void Default_options_are_valid()
    {
        using var provider = new ServiceCollection().AddChordKvsHttpTransport().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<HttpTransportOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(options.ClusterSecret, Is.Null);
            Assert.That(provider.GetRequiredService<INodeTransport>(), Is.InstanceOf<HttpNodeTransport>());
            Assert.That(provider.GetService<LocalNodeRegistry>(), Is.Not.Null, "the registry the internal endpoint serves from");
        });
    }

    private sealed class DisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
