using System.Net;
using System.Net.Http.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary><c>GET /cluster</c> and <c>GET /cluster/nodes</c>.</summary>
public class ClusterEndpointTests
{
    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    [Test]
    public async Task Each_node_describes_itself_as_a_member_with_neighbours()
    {
        for (var node = 0; node < Cluster.Urls.Count; node++)
        {
            using var response = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[node] + "/cluster"));
            await ResponseAssert.StatusAsync(response, HttpStatusCode.OK, $"GET /cluster on node {node}");
            var status = await response.Content.ReadFromJsonAsync(ClientApiJsonContext.Default.NodeStatus);

            Assert.Multiple(() =>
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
                Assert.That(status!.Node.Address, Is.EqualTo(Cluster.Urls[node]), "the node reports its advertised address");
                Assert.That(status.Node.Id, Is.EqualTo(NodeId.ForNode(Cluster.Urls[node])), "its identifier is derived from that address");
                Assert.That(status.Status, Is.EqualTo(ChordNodeStatus.Member));
                Assert.That(status.Successors, Is.Not.Empty, "a member of a three-node ring has successors");
                Assert.That(status.Successors.Select(s => s.Address), Is.SubsetOf(Cluster.Urls), "successors are ring members");
            });
        }
    }

    [Test]
    public async Task Status_is_serialised_with_camel_case_names_and_enum_names()
    {
        var json = await Cluster.Client.GetStringAsync(new Uri(Cluster.Urls[0] + "/cluster"));

        Assert.That(json, Does.Contain("\"status\":\"Member\"").And.Contain("\"node\":{\"id\":\"").And.Contain("\"successors\":["), json);
    }

    [Test]
    public async Task Every_node_walks_the_whole_ring()
    {
        for (var node = 0; node < Cluster.Urls.Count; node++)
        {
            using var response = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[node] + "/cluster/nodes"));
            await ResponseAssert.StatusAsync(response, HttpStatusCode.OK, $"GET /cluster/nodes on node {node}");
            var ring = await response.Content.ReadFromJsonAsync(ClientApiJsonContext.Default.RingDescription);

            Assert.Multiple(() =>
            {
                Assert.That(ring!.Count, Is.EqualTo(3), $"node {node} finds three nodes");
                Assert.That(ring.Nodes.Select(n => n.Node.Address), Is.EquivalentTo(Cluster.Urls), $"node {node} finds exactly the cluster's nodes");
                Assert.That(ring.Nodes[0].Node.Address, Is.EqualTo(Cluster.Urls[node]), "the walk starts at the answering node");
            });
        }
    }
}
