using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>
/// Every kind of bad input is a 4xx problem+json answer that names the problem, and leaves the stored data as
/// it was: the key the requests aim at keeps its value and version on every node.
/// </summary>
public class BadRequestTests
{
    private const string Victim = "bad-requests/victim";
    private const string VictimJson = "{\"untouched\":true}";

    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    /// <summary>One bad request: how to build it and what must come back.</summary>
    public sealed record BadRequest(string Name, Func<HttpRequestMessage> Build, HttpStatusCode Status, string DetailFragment)
    {
        public override string ToString() => Name;
    }

    private static HttpRequestMessage Put(KvCluster cluster, string encodedKey, byte[] body, string query = "") =>
        new(HttpMethod.Put, cluster.KeyUri(1, encodedKey, query)) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };

    private static HttpRequestMessage Put(KvCluster cluster, string encodedKey, string body, string query = "") => Put(cluster, encodedKey, Encoding.UTF8.GetBytes(body), query);

    private static readonly string VictimPath = Uri.EscapeDataString(Victim);

    public static IEnumerable<BadRequest> Cases()
    {
        yield return new("invalid JSON", () => Put(Cluster, VictimPath, "{\"a\": 1,}"), HttpStatusCode.BadRequest, "not valid JSON at byte offset");
        yield return new("two JSON values", () => Put(Cluster, VictimPath, "1 2"), HttpStatusCode.BadRequest, "not valid JSON");
        yield return new("empty body", () => Put(Cluster, VictimPath, string.Empty), HttpStatusCode.BadRequest, "The body is empty");
        yield return new("invalid UTF-8 in the body", () => Put(Cluster, VictimPath, [(byte)'"', 0xC3, 0x28, (byte)'"']), HttpStatusCode.BadRequest, "not valid UTF-8");
        yield return new("value over the limit with Content-Length", () => Put(Cluster, VictimPath, "\"" + new string('x', KvCluster.MaxValueBytes) + "\""), HttpStatusCode.RequestEntityTooLarge, "the limit for a value is");
        yield return new("value over the limit, chunked", () =>
        {
            var request = Put(Cluster, VictimPath, "[" + string.Join(',', Enumerable.Repeat("1", KvCluster.MaxValueBytes)) + "]");
            request.Headers.TransferEncodingChunked = true;
            return request;
        }, HttpStatusCode.RequestEntityTooLarge, "the limit for a value is");
        yield return new("key over the limit", () => Put(Cluster, new string('k', KvCluster.MaxKeyBytes + 1), "1"), HttpStatusCode.BadRequest, $"the limit is {KvCluster.MaxKeyBytes} bytes");
        yield return new("key over the limit in multi-byte characters", () => Put(Cluster, Uri.EscapeDataString(new string('é', (KvCluster.MaxKeyBytes / 2) + 1)), "1"), HttpStatusCode.BadRequest, $"the limit is {KvCluster.MaxKeyBytes} bytes");
        yield return new("empty key", () => Put(Cluster, string.Empty, "1"), HttpStatusCode.BadRequest, "names no key");
        yield return new("invalid percent-escape", () => Put(Cluster, "bad%zzkey", "1"), HttpStatusCode.BadRequest, "invalid percent-escape");
        yield return new("key that is not UTF-8", () => Put(Cluster, "bad%C3%28key", "1"), HttpStatusCode.BadRequest, "not valid UTF-8");
        yield return new("control character in the key", () => Put(Cluster, "bad%0Akey", "1"), HttpStatusCode.BadRequest, "control character");
        yield return new("non-numeric ?w=", () => Put(Cluster, VictimPath, "2", "?w=abc"), HttpStatusCode.BadRequest, "?w= is the number of replicas");
        yield return new("zero ?w=", () => Put(Cluster, VictimPath, "2", "?w=0"), HttpStatusCode.BadRequest, "from 1 to the replica count 3");
        yield return new("?w= above the replica count", () => Put(Cluster, VictimPath, "2", "?w=4"), HttpStatusCode.BadRequest, "from 1 to the replica count 3");
        yield return new("zero ?ttl=", () => Put(Cluster, VictimPath, "2", "?ttl=0"), HttpStatusCode.BadRequest, "?ttl= is how many seconds the value lives");
        yield return new("negative ?ttl=", () => Put(Cluster, VictimPath, "2", "?ttl=-5"), HttpStatusCode.BadRequest, "from 1 to 31536000");
        yield return new("fractional ?ttl=", () => Put(Cluster, VictimPath, "2", "?ttl=1.5"), HttpStatusCode.BadRequest, "one whole number");
        yield return new("?ttl= beyond the maximum", () => Put(Cluster, VictimPath, "2", "?ttl=31536001"), HttpStatusCode.BadRequest, "from 1 to 31536000");
        yield return new("?ttl= beyond 64 bits", () => Put(Cluster, VictimPath, "2", "?ttl=99999999999999999999"), HttpStatusCode.BadRequest, "?ttl=");
        yield return new("two ?ttl= values", () => Put(Cluster, VictimPath, "2", "?ttl=5&ttl=6"), HttpStatusCode.BadRequest, "got '5,6'");
        yield return new("fractional ?w=", () => Put(Cluster, VictimPath, "2", "?w=1.5"), HttpStatusCode.BadRequest, "got '1.5'");
        yield return new("empty ?w=", () => Put(Cluster, VictimPath, "2", "?w="), HttpStatusCode.BadRequest, "?w= is the number");
        yield return new("repeated ?w=", () => Put(Cluster, VictimPath, "2", "?w=1&w=2"), HttpStatusCode.BadRequest, "one whole number");
        yield return new("non-numeric ?w= on DELETE", () => new HttpRequestMessage(HttpMethod.Delete, Cluster.KeyUri(2, VictimPath, "?w=all")), HttpStatusCode.BadRequest, "?w= is the number");
        yield return new("non-numeric ?r=", () => new HttpRequestMessage(HttpMethod.Get, Cluster.KeyUri(0, VictimPath, "?r=-1")), HttpStatusCode.BadRequest, "?r= is the number of replicas the read consults");
        yield return new("If-Match without quotes", () =>
        {
            var request = Put(Cluster, VictimPath, "2");
            request.Headers.TryAddWithoutValidation("If-Match", "0001922d3ac84a0000000000a1b2c3d4");
            return request;
        }, HttpStatusCode.BadRequest, "If-Match must be");
        yield return new("If-Match with two tags", () =>
        {
            var request = Put(Cluster, VictimPath, "2");
            request.Headers.TryAddWithoutValidation("If-Match", "\"0001922d3ac84a0000000000a1b2c3d4\", \"0001922d3ac84a0000000000a1b2c3d5\"");
            return request;
        }, HttpStatusCode.BadRequest, "several entity tags");
        yield return new("If-None-Match with a tag on PUT", () =>
        {
            var request = Put(Cluster, VictimPath, "2");
            request.Headers.TryAddWithoutValidation("If-None-Match", "\"0001922d3ac84a0000000000a1b2c3d4\"");
            return request;
        }, HttpStatusCode.BadRequest, "supports only *");
        yield return new("If-None-Match on DELETE", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, Cluster.KeyUri(0, VictimPath));
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
            return request;
        }, HttpStatusCode.BadRequest, "not supported on DELETE");
        yield return new("weak If-Match on PUT", () =>
        {
            var request = Put(Cluster, VictimPath, "2");
            request.Headers.TryAddWithoutValidation("If-Match", "W/\"0001922d3ac84a0000000000a1b2c3d4\"");
            return request;
        }, HttpStatusCode.PreconditionFailed, "no ChordKvs version can have");
        yield return new("malformed If-None-Match on GET", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Cluster.KeyUri(2, VictimPath));
            request.Headers.TryAddWithoutValidation("If-None-Match", "not-quoted");
            return request;
        }, HttpStatusCode.BadRequest, "If-None-Match must be");
        yield return new("unsupported method", () => new HttpRequestMessage(HttpMethod.Post, Cluster.KeyUri(0, VictimPath)) { Content = new StringContent("1") }, HttpStatusCode.MethodNotAllowed, string.Empty);
    }

    [OneTimeSetUp]
    public async Task WriteVictimAsync()
    {
        using var put = await Cluster.PutAsync(0, VictimPath, VictimJson);
        await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "writing the key the bad requests aim at");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Bad_input_is_a_problem_and_changes_nothing(BadRequest badRequest)
    {
        var before = await SnapshotAsync();

        using var request = badRequest.Build();
        using var response = await Cluster.Client.SendAsync(request);
        var (title, detail) = await ResponseAssert.ProblemAsync(response, badRequest.Status, badRequest.Name);

        Assert.Multiple(async () =>
        {
            Assert.That(title, Is.Not.Empty, "the problem has a title");
            Assert.That(detail, Does.Contain(badRequest.DetailFragment), "the detail says what is wrong");
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the stored data is unchanged on every node");
        });
    }

    /// <summary>The victim's body and ETag as every node reads it.</summary>
    private static async Task<string> SnapshotAsync()
    {
        var views = new List<string>();
        for (var node = 0; node < Cluster.Urls.Count; node++)
        {
            using var get = await Cluster.GetAsync(node, VictimPath);
            views.Add($"node {node}: {(int)get.StatusCode} {get.Headers.ETag?.Tag} {await get.Content.ReadAsStringAsync()}");
        }

        Assert.That(views, Has.All.Contain(VictimJson), "the victim key is readable with its original value");
        return string.Join(Environment.NewLine, views);
    }
}
