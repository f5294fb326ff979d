using System.Net;
using System.Net.Http.Headers;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>ETags, If-Match, If-None-Match and 304 across nodes.</summary>
public class ConditionalRequestTests
{
    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    private static async Task<string> CreateAsync(string key, string json)
    {
        using var put = await Cluster.PutAsync(0, key, json);
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, $"creating {key}");
        return ResponseAssert.ETag(put, $"creating {key}");
    }

    private static async Task<(string Body, string ETag)> ReadAsync(string key, int node = 1)
    {
        using var get = await Cluster.GetAsync(node, key);
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, $"reading {key}");
        return (await get.Content.ReadAsStringAsync(), ResponseAssert.ETag(get, $"reading {key}"));
    }

    [Test]
    public async Task If_match_with_the_current_etag_replaces_and_a_stale_one_is_412()
    {
        var created = await CreateAsync("cond-if-match", "{\"v\":1}");

        using var matched = await Cluster.PutAsync(1, "cond-if-match", "{\"v\":2}", request => request.Headers.IfMatch.Add(new EntityTagHeaderValue(created)));
        await ResponseAssert.StatusAsync(matched, HttpStatusCode.NoContent, "If-Match with the current ETag");
        var current = ResponseAssert.ETag(matched, "conditional replace");

        using var stale = await Cluster.PutAsync(2, "cond-if-match", "{\"v\":3}", request => request.Headers.IfMatch.Add(new EntityTagHeaderValue(created)));
        await ResponseAssert.ProblemAsync(stale, HttpStatusCode.PreconditionFailed, "If-Match with a superseded ETag");

        Assert.Multiple(async () =>
        {
            Assert.That(stale.Headers.ETag?.Tag, Is.EqualTo(current), "a 412 names the current version");
            Assert.That(await ReadAsync("cond-if-match"), Is.EqualTo(("{\"v\":2}", current)), "the failed write changed nothing");
        });
    }

    [Test]
    public async Task If_match_star_needs_a_value_and_if_none_match_star_needs_none()
    {
        using var noValue = await Cluster.PutAsync(0, "cond-star", "1", request => request.Headers.IfMatch.Add(EntityTagHeaderValue.Any));
        await ResponseAssert.ProblemAsync(noValue, HttpStatusCode.PreconditionFailed, "If-Match: * on an absent key");

        using var create = await Cluster.PutAsync(1, "cond-star", "2", request => request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));
        await ResponseAssert.StatusAsync(create, HttpStatusCode.Created, "If-None-Match: * on an absent key creates it");
        var etag = ResponseAssert.ETag(create, "create-only write");

        using var createAgain = await Cluster.PutAsync(2, "cond-star", "3", request => request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));
        await ResponseAssert.ProblemAsync(createAgain, HttpStatusCode.PreconditionFailed, "If-None-Match: * on an existing key");

        using var replace = await Cluster.PutAsync(0, "cond-star", "4", request => request.Headers.IfMatch.Add(EntityTagHeaderValue.Any));
        await ResponseAssert.StatusAsync(replace, HttpStatusCode.NoContent, "If-Match: * on an existing key");

        Assert.That((await ReadAsync("cond-star")).Body, Is.EqualTo("4"), $"only the unconditional-enough writes took effect (created as {etag})");
    }

    [Test]
    public async Task A_matching_if_none_match_on_get_is_304_without_a_body()
    {
        var etag = await CreateAsync("cond-304", "{\"cached\":true}");

        using var notModified = await Cluster.GetAsync(2, "cond-304", request => request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag)));
        await ResponseAssert.StatusAsync(notModified, HttpStatusCode.NotModified, "If-None-Match with the current ETag");
        using var weak = await Cluster.GetAsync(1, "cond-304", request => request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag, isWeak: true)));
        await ResponseAssert.StatusAsync(weak, HttpStatusCode.NotModified, "If-None-Match compares weakly");
        using var star = await Cluster.GetAsync(0, "cond-304", request => request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));
        await ResponseAssert.StatusAsync(star, HttpStatusCode.NotModified, "If-None-Match: * matches any value");
        using var other = await Cluster.GetAsync(0, "cond-304", request => request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"00000000000000000000000000000000\"")));
        await ResponseAssert.StatusAsync(other, HttpStatusCode.OK, "If-None-Match with another version");

        Assert.Multiple(async () =>
        {
            Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty, "304 has no body");
            Assert.That(notModified.Headers.ETag?.Tag, Is.EqualTo(etag), "304 repeats the ETag");
            Assert.That(await other.Content.ReadAsStringAsync(), Is.EqualTo("{\"cached\":true}"));
        });
    }

    [Test]
    public async Task Delete_honours_if_match()
    {
        var etag = await CreateAsync("cond-delete", "\"keep me\"");
        using var replaced = await Cluster.PutAsync(0, "cond-delete", "\"keep me too\"");
        await ResponseAssert.StatusAsync(replaced, HttpStatusCode.NoContent, "replacing");
        var current = ResponseAssert.ETag(replaced, "replacing");

        using var stale = await Cluster.DeleteAsync(1, "cond-delete", request => request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag)));
        await ResponseAssert.ProblemAsync(stale, HttpStatusCode.PreconditionFailed, "DELETE with a superseded ETag");
        Assert.That((await ReadAsync("cond-delete", node: 2)).Body, Is.EqualTo("\"keep me too\""), "the failed delete changed nothing");

        using var matched = await Cluster.DeleteAsync(2, "cond-delete", request => request.Headers.IfMatch.Add(new EntityTagHeaderValue(current)));
        await ResponseAssert.StatusAsync(matched, HttpStatusCode.NoContent, "DELETE with the current ETag");
        using var gone = await Cluster.GetAsync(0, "cond-delete");
        await ResponseAssert.ProblemAsync(gone, HttpStatusCode.NotFound, "after the conditional delete");
    }
}
