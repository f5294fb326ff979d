using System.Net;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>Keys with slashes, encoded slashes and non-ASCII text name the same key however they are written.</summary>
public class KeyEncodingTests
{
    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    [Test]
    public async Task A_slash_and_an_encoded_slash_name_the_same_key()
    {
        using var put = await Cluster.PutAsync(0, "users/42", "{\"id\":42}");
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "PUT /kv/users/42");

        using var encoded = await Cluster.GetAsync(1, "users%2F42");
        await ResponseAssert.StatusAsync(encoded, HttpStatusCode.OK, "GET /kv/users%2F42");
        using var lowerCase = await Cluster.GetAsync(2, "users%2f42");
        await ResponseAssert.StatusAsync(lowerCase, HttpStatusCode.OK, "GET /kv/users%2f42");
        using var other = await Cluster.GetAsync(2, "users/420");
        await ResponseAssert.ProblemAsync(other, HttpStatusCode.NotFound, "a different key stays different");

        Assert.That(await encoded.Content.ReadAsStringAsync(), Is.EqualTo("{\"id\":42}"));
    }

    [Test]
    public async Task An_encoded_slash_written_is_found_under_a_literal_slash()
    {
        using var put = await Cluster.PutAsync(2, "a%2Fb%2Fc", "true");
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "PUT /kv/a%2Fb%2Fc");
        using var delete = await Cluster.DeleteAsync(0, "a/b/c");
        await ResponseAssert.StatusAsync(delete, HttpStatusCode.NoContent, "DELETE /kv/a/b/c removes the same key");
        using var gone = await Cluster.GetAsync(1, "a%2Fb%2Fc");
        await ResponseAssert.ProblemAsync(gone, HttpStatusCode.NotFound, "GET after the delete");
    }

    [TestCase("ключ/значение")]
    [TestCase("😀 emoji & spaces?#")]
    [TestCase("100%")]
    [TestCase("plus+sign")]
    public async Task Percent_encoded_utf8_keys_round_trip(string key)
    {
        var encoded = Uri.EscapeDataString(key);
        using var put = await Cluster.PutAsync(0, encoded, "\"unicode\"");
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, $"PUT of key '{key}' as {encoded}");
        using var get = await Cluster.GetAsync(1, encoded);
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, $"GET of key '{key}'");
        Assert.That(await get.Content.ReadAsStringAsync(), Is.EqualTo("\"unicode\""));
    }

    [Test]
    public async Task A_key_at_the_size_limit_is_accepted()
    {
        var key = new string('k', KvCluster.MaxKeyBytes);
        using var put = await Cluster.PutAsync(1, key, "0");
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, $"a key of exactly {KvCluster.MaxKeyBytes} bytes");
    }
}
