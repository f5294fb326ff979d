using System.Net;
using ChordKvs.Tests.Hosting;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;

namespace ChordKvs.Tests.Operations;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c>: a node is alive as soon as it answers, and ready only once it has joined
/// and stabilization has made its neighbours agree with it. Ring maintenance is switched off (an hour between
/// rounds) and driven by the test, so each step is observed before the next one happens.
/// </summary>
[NonParallelizable]
public sealed class ReadinessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private SingleNodes nodes = null!;

    [SetUp]
    public void CreateNodes() => nodes = new SingleNodes();

    [TearDown]
    public async Task StopNodesAsync() => await nodes.DisposeAsync();

    [Test]
    public async Task A_node_that_cannot_join_is_alive_but_not_ready()
    {
        var lonely = await StartNodeAsync("http://127.0.0.1:1");

        var (liveStatus, _) = await GetAsync(lonely, "/healthz");
        var (readyStatus, readyBody) = await GetAsync(lonely, "/readyz");

        Assert.Multiple(() =>
        {
            Assert.That(liveStatus, Is.EqualTo(HttpStatusCode.OK), "a node that answers is alive");
            Assert.That(readyStatus, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "a node outside the ring is not ready");
            Assert.That(readyBody, Does.StartWith("Unhealthy").And.Contain("has not joined the ring"), "the answer says why");
        });
    }

    [Test]
    public async Task A_joined_node_becomes_ready_once_stabilization_has_settled_around_it()
    {
        var first = await StartNodeAsync(joinUrl: null);
        Assert.That((await GetAsync(first, "/readyz")).Status, Is.EqualTo(HttpStatusCode.OK), "a ring of one node is ready once created");

        var second = await StartNodeAsync(SingleNodes.Url(first));
        var service = SingleNodes.Service(second);
        await service.Joined.WaitAsync(Deadline);
        var (beforeStatus, beforeBody) = await GetAsync(second, "/readyz");
        Assert.Multiple(() =>
        {
            Assert.That(beforeStatus, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "joined, but no stabilization round has run yet");
            Assert.That(beforeBody, Does.Contain("no predecessor yet"), "the answer says what is missing");
        });

        // One round each: the newcomer notifies its successor, which then adopts it and notifies it back.
        var firstNode = SingleNodes.Service(first).Node!;
        await service.Node!.Ring.StabilizeAsync();
        await firstNode.Ring.StabilizeAsync();
        await service.Node!.Ring.StabilizeAsync();

        var (afterStatus, afterBody) = await GetAsync(second, "/readyz");
        Assert.That(afterStatus, Is.EqualTo(HttpStatusCode.OK), $"ready once its successor points back to it; /readyz said: {afterBody}");
        Assert.That((await GetAsync(first, "/readyz")).Status, Is.EqualTo(HttpStatusCode.OK), "and the first node is ready in the ring of two");
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(WebApplication node, string path)
    {
        using var response = await nodes.Client.GetAsync(new Uri(SingleNodes.Url(node) + path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<WebApplication> StartNodeAsync(string? joinUrl) => nodes.StartAsync(new Dictionary<string, string?>
    {
        [nameof(ChordKvsNodeOptions.JoinUrl)] = joinUrl,
        ["Node:Ring:StabilizeInterval"] = "01:00:00",
        ["Node:Ring:CheckPredecessorInterval"] = "01:00:00",
        ["Node:Ring:FixFingersInterval"] = "01:00:00",
    });
}
