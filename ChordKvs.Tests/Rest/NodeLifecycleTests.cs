using System.Net;
using System.Net.Http.Json;
using ChordKvs.Host;
using ChordKvs.Tests.Hosting;
using ChordKvs.Tests.Rest.Cluster;
using ChordKvs.Tests.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Rest;

/// <summary>
/// How the hosted node service creates, joins and leaves the ring: a join retries (and says why) until the
/// join URL answers, a node that is not in the ring answers 503, and a stopping node leaves gracefully.
/// </summary>
[NonParallelizable]
public sealed class NodeLifecycleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private SingleNodes nodes = null!;

    [SetUp]
    public void CreateNodes() => nodes = new SingleNodes();

    [TearDown]
    public async Task StopEverythingAsync() => await nodes.DisposeAsync();

    [Test]
    public async Task A_joining_node_retries_and_says_why_until_its_join_url_answers()
    {
        var first = await StartNodeAsync(joinUrl: null);
        var gate = await StartGateAsync(first);
        var joiner = await StartNodeAsync(gate.Url);

        await WaitForLogAsync(entry => entry.Message.Contains("could not join the ring through", StringComparison.Ordinal) && entry.Message.Contains("503", StringComparison.Ordinal),
            "a failed join attempt is logged with the reason (the join URL answered 503)");
        using (var early = await nodes.Client.GetAsync(new Uri(SingleNodes.Url(joiner) + "/kv/anything")))
        {
            var (_, detail) = await ResponseAssert.ProblemAsync(early, HttpStatusCode.ServiceUnavailable, "a node that has not joined yet");
            Assert.Multiple(() =>
            {
                Assert.That(early.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)), "503 says when to retry");
                Assert.That(detail, Does.Contain("has not joined the ring"));
            });
        }

        gate.Open();
        var joined = SingleNodes.Service(joiner).Joined;
        try
        {
            await joined.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the node did not join within {Deadline.TotalSeconds} s of the join URL answering");
        }

        var notFormed = await RingFormation.WaitAsync(nodes.Client, [SingleNodes.Url(first), SingleNodes.Url(joiner)], 1, Deadline, TimeProvider.System, CancellationToken.None);
        Assert.That(notFormed, Is.Null, "the two nodes form one ring");
    }

    [Test]
    public async Task Bad_input_is_rejected_even_before_the_node_has_joined()
    {
        var lonely = await StartNodeAsync("http://127.0.0.1:1");

        using var content = new StringContent("{oops");
        using var put = await nodes.Client.PutAsync(new Uri(SingleNodes.Url(lonely) + "/kv/k"), content);
        await ResponseAssert.ProblemAsync(put, HttpStatusCode.BadRequest, "invalid JSON is a 400 whatever the ring's state");
        using var cluster = await nodes.Client.GetAsync(new Uri(SingleNodes.Url(lonely) + "/cluster/nodes"));
        await ResponseAssert.ProblemAsync(cluster, HttpStatusCode.ServiceUnavailable, "a node outside any ring cannot walk one");
    }

    [Test]
    public async Task A_stopping_node_leaves_and_the_others_close_the_ring_over_it()
    {
        var first = await StartNodeAsync(joinUrl: null);
        var second = await StartNodeAsync(SingleNodes.Url(first));
        var third = await StartNodeAsync(SingleNodes.Url(first));
        var urls = new[] { SingleNodes.Url(first), SingleNodes.Url(second), SingleNodes.Url(third) };
        Assert.That(await RingFormation.WaitAsync(nodes.Client, urls, 1, Deadline, TimeProvider.System, CancellationToken.None), Is.Null, "three nodes form a ring");

        await third.StopAsync(CancellationToken.None);

        await WaitForLogAsync(entry => entry.Message.Contains("left the ring", StringComparison.Ordinal), "the stopping node logs its graceful leave");
        Assert.That(await RingFormation.WaitAsync(nodes.Client, urls[..2], 1, Deadline, TimeProvider.System, CancellationToken.None), Is.Null, "the two remaining nodes form a ring without the one that left");
    }

    private Task<WebApplication> StartNodeAsync(string? joinUrl) =>
        nodes.StartAsync(new Dictionary<string, string?> { [nameof(ChordKvsNodeOptions.JoinUrl)] = joinUrl });

    /// <summary>
    /// A stand-in join URL: answers <c>GET /cluster</c> with 503 until opened, then with the real node's status,
    /// so a joiner meets a join URL that starts answering without any port being reused.
    /// </summary>
    private async Task<Gate> StartGateAsync(WebApplication target)
    {
        var gate = new Gate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var targetUrl = SingleNodes.Url(target);
        app.MapGet("/cluster", async (HttpContext context) =>
        {
            if (!gate.IsOpen)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            var status = await nodes.Client.GetFromJsonAsync(new Uri(targetUrl + "/cluster"), ClientApiJsonContext.Default.NodeStatus, context.RequestAborted);
            return Results.Json(status, ClientApiJsonContext.Default.NodeStatus);
        });
        await nodes.StartAlongsideAsync(app);
        gate.Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return gate;
    }

    private async Task WaitForLogAsync(Func<CapturingLoggerProvider.Entry, bool> condition, string because)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (!nodes.Logs.Entries.Any(condition))
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"{because}: no such log entry within {Deadline.TotalSeconds} s. Logged: {string.Join(" | ", nodes.Logs.Entries.Select(entry => entry.Message).TakeLast(10))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    private sealed class Gate
    {
        private volatile bool open;

        public string Url { get; set; } = string.Empty;

        public bool IsOpen => open;

        public void Open() => open = true;
    }
}
