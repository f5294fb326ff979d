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
    public async Task A_node_that_joins_a_ring_of_one_is_ready_at_once_and_so_is_the_node_it_joined()
    {
        var first = await StartNodeAsync(joinUrl: null);
        Assert.That((await GetAsync(first, "/readyz")).Status, Is.EqualTo(HttpStatusCode.OK), "a ring of one node is ready once created");

        // No stabilization round runs: the join's announcement alone makes the lone node adopt the newcomer.
        var second = await StartNodeAsync(SingleNodes.Url(first));
        await SingleNodes.Service(second).Joined.WaitAsync(Deadline);
        var (secondStatus, secondBody) = await GetAsync(second, "/readyz");
        var (firstStatus, firstBody) = await GetAsync(first, "/readyz");

        Assert.Multiple(() =>
        {
            Assert.That(secondStatus, Is.EqualTo(HttpStatusCode.OK), $"the newcomer knows its predecessor and its successor points back; /readyz said: {secondBody}");
            Assert.That(firstStatus, Is.EqualTo(HttpStatusCode.OK), $"the first node has the newcomer as successor; /readyz said: {firstBody}");
        });
    }

    [Test]
    public async Task A_node_whose_predecessor_crashed_is_not_ready_until_stabilization_has_settled_again()
    {
        var first = await StartNodeAsync(joinUrl: null);
        var second = await StartNodeAsync(SingleNodes.Url(first));
        var survivor = SingleNodes.Service(second);
        await survivor.Joined.WaitAsync(Deadline);
        Assert.That((await GetAsync(second, "/readyz")).Status, Is.EqualTo(HttpStatusCode.OK), "ready in the ring of two");

        await nodes.CrashAsync(first);
        await survivor.Node!.Ring.CheckPredecessorAsync();
        var (beforeStatus, beforeBody) = await GetAsync(second, "/readyz");
        Assert.Multiple(() =>
        {
            Assert.That(beforeStatus, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "its predecessor is gone and stabilization has not run");
            Assert.That(beforeBody, Does.Contain("no predecessor yet"), "the answer says what is missing");
        });

        // One round: every successor is dead, so the node is a ring of one again.
        await survivor.Node!.Ring.StabilizeAsync();
        var (afterStatus, afterBody) = await GetAsync(second, "/readyz");
        Assert.That(afterStatus, Is.EqualTo(HttpStatusCode.OK), $"ready again once stabilization has settled; /readyz said: {afterBody}");
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
