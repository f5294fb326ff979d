using System.Net;
using System.Net.Http.Headers;
using ChordKvs.Tests.Hosting;
using ChordKvs.Tests.Rest.Cluster;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;

namespace ChordKvs.Tests.Security;

/// <summary>With a client token configured, the client API answers only requests that carry it.</summary>
public sealed class ClientTokenTests
{
    private const string Token = "client-token-0123456789";

    private SingleNodes nodes = null!;

    [SetUp]
    public void CreateNodes() => nodes = new SingleNodes();

    [TearDown]
    public async Task StopNodesAsync() => await nodes.DisposeAsync();

    private Task<WebApplication> StartGuardedAsync(string? joinUrl = null) => nodes.StartAsync(new Dictionary<string, string?>
    {
        [nameof(ChordKvsNodeOptions.ClientToken)] = Token,
        [nameof(ChordKvsNodeOptions.JoinUrl)] = joinUrl,
    });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, AuthenticationHeaderValue? authorization, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = json is null ? null : new StringContent(json) };
        request.Headers.Authorization = authorization;
        return await nodes.Client.SendAsync(request);
    }

    [TestCase(null, "Bearer realm=\"chordkvs\"")]
    [TestCase("not-the-token", "Bearer realm=\"chordkvs\", error=\"invalid_token\"")]
    [TestCase(Token + "x", "Bearer realm=\"chordkvs\", error=\"invalid_token\"")]
    public async Task Requests_without_the_token_are_answered_401_with_a_bearer_challenge(string? presented, string challenge)
    {
        var node = await StartGuardedAsync();
        var url = SingleNodes.Url(node);
        var authorization = presented is null ? null : new AuthenticationHeaderValue("Bearer", presented);

        foreach (var (method, path) in new[] { (HttpMethod.Put, "/kv/guarded"), (HttpMethod.Get, "/kv/guarded"), (HttpMethod.Delete, "/kv/guarded"), (HttpMethod.Get, "/cluster"), (HttpMethod.Get, "/cluster/nodes") })
        {
            using var response = await SendAsync(method, url + path, authorization, method == HttpMethod.Put ? "1" : null);
            await ResponseAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, $"{method} {path} without the client token");
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo(challenge), $"{method} {path}: the 401 names the scheme to use");
        }

        using var read = await SendAsync(HttpMethod.Get, url + "/kv/guarded", new AuthenticationHeaderValue("Bearer", Token));
        await ResponseAssert.ProblemAsync(read, HttpStatusCode.NotFound, "the refused PUT stored nothing");
    }

    [Test]
    public async Task Requests_with_the_token_are_served_and_a_node_with_the_token_joins_through_a_guarded_node()
    {
        var first = await StartGuardedAsync();
        var second = await StartGuardedAsync(SingleNodes.Url(first));
        await SingleNodes.Service(second).Joined.WaitAsync(TimeSpan.FromSeconds(20));
        var bearer = new AuthenticationHeaderValue("Bearer", Token);

        using (var put = await SendAsync(HttpMethod.Put, SingleNodes.Url(first) + "/kv/guarded", bearer, """{"ok":true}"""))
        {
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "a PUT with the token");
        }

        using var get = await SendAsync(HttpMethod.Get, SingleNodes.Url(second) + "/kv/guarded", bearer);
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, "a GET with the token through the node that joined");
        Assert.That(await get.Content.ReadAsStringAsync(), Is.EqualTo("""{"ok":true}"""));
    }
}
