using System.Net;
using System.Text;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>PUT, GET and DELETE through different nodes of a three-node ring.</summary>
public class KvRoundTripTests
{
    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    [Test]
    public async Task A_value_put_through_one_node_is_read_byte_for_byte_through_another()
    {
        // Odd spacing, escapes and number forms: the store must return the text as written, not a re-serialisation.
        const string json = "{ \"name\" : \"Ada\",\n  \"n\": [1, 2.50, -0, 1e3],\t\"s\": \"caf\\u00e9 \u00e9 😀\", \"z\": null }";

        using var put = await Cluster.PutAsync(0, "roundtrip-a", json);
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "a new key is created");
        var putETag = ResponseAssert.ETag(put, "PUT");
        Assert.That(put.Headers.Location?.OriginalString, Is.EqualTo("/kv/roundtrip-a"), "201 names the key's URL");

        using var get = await Cluster.GetAsync(2, "roundtrip-a");
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, "the value is readable through another node");
        Assert.Multiple(async () =>
        {
            Assert.That(await get.Content.ReadAsByteArrayAsync(), Is.EqualTo(Encoding.UTF8.GetBytes(json)), "the body is byte-identical to what was written");
            Assert.That(get.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(ResponseAssert.ETag(get, "GET"), Is.EqualTo(putETag), "the read carries the write's ETag");
        });
    }

    [Test]
    public async Task Replacing_a_value_answers_204_with_a_new_etag()
    {
        using var first = await Cluster.PutAsync(1, "roundtrip-replace", "1");
        await ResponseAssert.StatusAsync(first, HttpStatusCode.Created, "first write");
        using var second = await Cluster.PutAsync(2, "roundtrip-replace", "[2]");
        await ResponseAssert.StatusAsync(second, HttpStatusCode.NoContent, "a write over a live value replaces it");

        using var get = await Cluster.GetAsync(0, "roundtrip-replace");
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, "read after replace");
        Assert.Multiple(async () =>
        {
            Assert.That(ResponseAssert.ETag(second, "replace"), Is.Not.EqualTo(ResponseAssert.ETag(first, "create")), "every write gets a new version");
            Assert.That(await get.Content.ReadAsStringAsync(), Is.EqualTo("[2]"), "the newer value wins");
            Assert.That(ResponseAssert.ETag(get, "GET"), Is.EqualTo(ResponseAssert.ETag(second, "replace")));
        });
    }

    [Test]
    public async Task A_deleted_key_is_gone_through_every_node()
    {
        using var put = await Cluster.PutAsync(0, "roundtrip-delete", "{\"doomed\":true}");
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "write before delete");

        using var delete = await Cluster.DeleteAsync(1, "roundtrip-delete");
        await ResponseAssert.StatusAsync(delete, HttpStatusCode.NoContent, "deleting a live key");

        for (var node = 0; node < Cluster.Urls.Count; node++)
        {
            using var get = await Cluster.GetAsync(node, "roundtrip-delete");
            await ResponseAssert.ProblemAsync(get, HttpStatusCode.NotFound, $"GET through node {node} after the delete");
        }

        using var again = await Cluster.DeleteAsync(2, "roundtrip-delete");
        await ResponseAssert.ProblemAsync(again, HttpStatusCode.NotFound, "deleting a deleted key");
    }

    [Test]
    public async Task A_key_never_written_is_404_through_every_node()
    {
        for (var node = 0; node < Cluster.Urls.Count; node++)
        {
            using var get = await Cluster.GetAsync(node, "roundtrip-never-written");
            await ResponseAssert.ProblemAsync(get, HttpStatusCode.NotFound, $"GET through node {node}");
            using var delete = await Cluster.DeleteAsync(node, "roundtrip-never-written");
            await ResponseAssert.ProblemAsync(delete, HttpStatusCode.NotFound, $"DELETE through node {node}");
        }
    }

    [Test]
    public async Task Quorum_parameters_within_range_are_accepted()
    {
        using var put = await Cluster.Client.PutAsync(Cluster.KeyUri(0, "roundtrip-quorum", "?w=3"), new StringContent("\"all\""));
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "?w=3 on a ring of three");
        using var get = await Cluster.Client.GetAsync(Cluster.KeyUri(1, "roundtrip-quorum", "?r=1"));
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, "?r=1 after a write to all three");
        Assert.That(await get.Content.ReadAsStringAsync(), Is.EqualTo("\"all\""));
    }
}
