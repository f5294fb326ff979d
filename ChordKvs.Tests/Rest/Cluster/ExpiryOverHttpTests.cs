using System.Net;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary><c>PUT /kv/{key}?ttl=SECONDS</c> on real nodes: the value reads through every node until it expires, then 404.</summary>
public class ExpiryOverHttpTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    [Test]
    public async Task A_value_put_with_a_ttl_reads_until_it_expires_and_then_reads_404_through_every_node()
    {
        const string Key = "expiry/session";
        using (var put = await Cluster.PutAsync(0, Key + "?ttl=1", "{\"session\":1}"))
        {
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "a PUT with ?ttl=1");
        }

        // Polled, not slept: the value disappears once a second has passed on the nodes' clocks.
        using var timeout = new CancellationTokenSource(Deadline);
        for (var node = 0; node < Cluster.Urls.Count; node++)
        {
            while (true)
            {
                using var get = await Cluster.GetAsync(node, Key);
                if (get.StatusCode == HttpStatusCode.NotFound)
                {
                    await ResponseAssert.ProblemAsync(get, HttpStatusCode.NotFound, $"an expired key read through node {node}");
                    break;
                }

                await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, $"before its expiry the value reads through node {node}");
                Assert.That(timeout.IsCancellationRequested, Is.False, $"the value with a 1 s time to live still read through node {node} after {Deadline.TotalSeconds} s");
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
        }

        using (var longLived = await Cluster.PutAsync(1, "expiry/long-lived?ttl=3600", "true"))
        {
            await ResponseAssert.StatusAsync(longLived, HttpStatusCode.Created, "a PUT with ?ttl=3600");
        }

        using var read = await Cluster.GetAsync(2, "expiry/long-lived");
        await ResponseAssert.StatusAsync(read, HttpStatusCode.OK, "a value whose time to live has not passed reads as usual");
    }
}
