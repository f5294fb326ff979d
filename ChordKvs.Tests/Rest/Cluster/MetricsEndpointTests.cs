using System.Net;
using ChordKvs.Tests.Operations;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary><c>GET /metrics</c> after real client traffic on a three-node cluster.</summary>
public sealed class MetricsEndpointTests
{
    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    [Test]
    public async Task A_short_workload_shows_in_the_named_series()
    {
        const int Keys = 30;
        for (var i = 0; i < Keys; i++)
        {
            using var put = await Cluster.PutAsync(0, $"metrics-workload-{i}", $"{{\"n\":{i}}}");
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "PUT of a new key");
            using var get = await Cluster.GetAsync(0, $"metrics-workload-{i}");
            await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, "GET of a key just written");
        }

        using var response = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[0] + "/metrics"));
        await ResponseAssert.StatusAsync(response, HttpStatusCode.OK, "GET /metrics");
        var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain").And.Contain("version=0.0.4"), "the Prometheus text format");
            Assert.That(scrape["chordkvs_client_request_duration_seconds_count{operation=\"put\",status=\"201\"}"], Is.GreaterThanOrEqualTo(Keys), $"every PUT is counted with its status. Scrape:\n{scrape.Text}");
            Assert.That(scrape["chordkvs_client_request_duration_seconds_count{operation=\"get\",status=\"200\"}"], Is.GreaterThanOrEqualTo(Keys), "every GET is counted with its status");
            Assert.That(scrape["chordkvs_client_request_duration_seconds_sum{operation=\"get\",status=\"200\"}"], Is.GreaterThan(0), "request durations add up");
            Assert.That(scrape["chordkvs_client_request_duration_seconds_bucket{operation=\"get\",status=\"200\",le=\"+Inf\"}"], Is.GreaterThanOrEqualTo(Keys), "the latency histogram has its buckets");
            Assert.That(scrape["chordkvs_lookup_hops_count"], Is.GreaterThanOrEqualTo(2 * Keys), "each request's lookup is counted");
            Assert.That(scrape["chordkvs_client_forwards_total"], Is.GreaterThan(0), "keys other nodes coordinate are forwarded to them");
            Assert.That(scrape["chordkvs_store_keys"], Is.GreaterThan(0), "the node stores keys");
            Assert.That(scrape["chordkvs_store_value_bytes"], Is.GreaterThan(0), "and their bytes");
            Assert.That(scrape["chordkvs_ring_known_nodes"], Is.EqualTo(3), "the node knows the three nodes of the ring");
            Assert.That(scrape["chordkvs_ring_maintenance_failures_total"], Is.Not.Null, "ring maintenance failures are reported, even when none happened");
        });
    }

    [Test]
    public async Task Each_node_reports_only_the_requests_it_served()
    {
        const string Served = "chordkvs_client_request_duration_seconds_count{operation=\"put\",status=\"201\"}";
        var before = await ScrapeAsync(1);
        for (var i = 0; i < 5; i++)
        {
            using var put = await Cluster.PutAsync(2, $"metrics-isolation-{i}", "true");
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "PUT of a new key");
        }

        var after = await ScrapeAsync(1);
        var served = await ScrapeAsync(2);

        Assert.Multiple(() =>
        {
            Assert.That(after[Served] ?? 0, Is.EqualTo(before[Served] ?? 0), "node 1 served none of the PUTs, though its meter has the same name in the same process");
            Assert.That(served[Served], Is.GreaterThanOrEqualTo(5), "node 2 counts the PUTs it served");
        });
    }

    private static async Task<PrometheusScrape> ScrapeAsync(int node) =>
        PrometheusScrape.Parse(await Cluster.Client.GetStringAsync(new Uri(Cluster.Urls[node] + "/metrics")));
}
