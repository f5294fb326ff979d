using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>Two real Kestrel nodes of three ring members (virtual nodes) each, over the HTTP transport.</summary>
[NonParallelizable]
public sealed class VirtualNodeClusterTests
{
    private const int VirtualNodes = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    [Test]
    public async Task Each_key_is_kept_once_on_each_physical_node_and_served_by_any_member()
    {
        await using var cluster = await KvCluster.StartAsync(2, Deadline, VirtualNodes);
        await WaitUntilTheRingIsStableAsync(cluster);
        var keys = Enumerable.Range(0, 20).Select(i => $"vnodes-{i}").ToList();
        foreach (var key in keys)
        {
            using var put = await cluster.PutAsync(0, key, $"\"{key}\"");
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, $"PUT {key}");
        }

        foreach (var key in keys)
        {
            using var get = await cluster.GetAsync(1, key);
            await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, $"GET {key} through the other node");
        }

        // N = 3 but only two physical nodes: each key has one copy on each, never two on the same one.
        var deadline = DateTimeOffset.UtcNow + Deadline;
        var counts = Array.Empty<int>();
        while (DateTimeOffset.UtcNow < deadline)
        {
            counts = [.. Enumerable.Range(0, 2).Select(node => cluster.Service(node).Members.Sum(member => keys.Count(key => member.Store.Get(key) is not null)))];
            if (counts.All(count => count == keys.Count))
            {
                break;
            }

            await Task.Delay(PollInterval);
        }

        Assert.That(counts, Is.All.EqualTo(keys.Count), $"each physical node holds every key exactly once over its members; counts: {string.Join(", ", counts)}");
    }

    /// <summary>
    /// The ring is walked whole (what KvCluster waits for) a little before every member's successor list is exact;
    /// meanwhile two members may each take themselves for a key's coordinator and keep its copies in different
    /// members of the same process, or a write may see one physical node and be acknowledged with one copy (the
    /// known gap "W is capped at the replica set a node sees", docs/consistency.md). This test is about placement
    /// once the ring is stable, so it waits until every member's predecessor and successor list are the ones the
    /// sorted identifiers give.
    /// </summary>
    private static async Task WaitUntilTheRingIsStableAsync(KvCluster cluster)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        var unsettled = new List<string>();
        while (DateTimeOffset.UtcNow < deadline)
        {
            var members = Enumerable.Range(0, 2).SelectMany(node => cluster.Service(node).Members).ToList();
            var ring = members.Select(member => member.Self.Id).Order().ToList();
            unsettled = [.. members.Where(member => !IsSettled(member.Ring.Routing, ring)).Select(member => member.Self.ToString())];
            if (ring.Count == 2 * VirtualNodes && unsettled.Count == 0)
            {
                return;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"members whose predecessor or successor list is not yet the sorted ring's after {Deadline.TotalSeconds} s: {string.Join(", ", unsettled)}");
    }

    private static bool IsSettled(RoutingState routing, List<NodeId> ring)
    {
        var at = ring.IndexOf(routing.Self.Id);
        var clockwise = Enumerable.Range(1, ring.Count - 1).Select(step => ring[(at + step) % ring.Count]).ToList();
        var listed = routing.Successors.Select(successor => successor.Id).Take(clockwise.Count).ToList();
        return routing.Predecessor?.Id == clockwise[^1] && listed.SequenceEqual(clockwise.Take(listed.Count));
    }

    [Test]
    public async Task The_cluster_view_lists_the_members_of_the_physical_node()
    {
        await using var cluster = await KvCluster.StartAsync(2, Deadline, VirtualNodes);

        for (var node = 0; node < 2; node++)
        {
            var json = await cluster.Client.GetStringAsync(new Uri(cluster.Urls[node] + "/cluster"));
            var members = JsonNode.Parse(json)!["members"].Deserialize(ClientApiJsonContext.Default.ListNodeStatus);

            Assert.That(members, Is.Not.Null, $"GET /cluster on node {node} has a members list: {json}");
            Assert.Multiple(() =>
            {
                Assert.That(members!.Select(member => member.Node.Address), Is.All.EqualTo(cluster.Urls[node]), "every member is at the process's address");
                Assert.That(members.Count, Is.EqualTo(VirtualNodes));
                Assert.That(members[0].Node.Id, Is.EqualTo(NodeId.ForNode(cluster.Urls[node])), "member 0 is SHA-1 of the advertised address alone");
                for (var index = 1; index < members.Count; index++)
                {
                    Assert.That(VirtualNodePlacement.CandidatesFor(cluster.Urls[node], index), Does.Contain(members[index].Node.Id),
                        $"member {index} is at one of its candidate identifiers");
                }

                Assert.That(members.Select(member => member.Status), Is.All.EqualTo(ChordNodeStatus.Member));
                Assert.That(JsonNode.Parse(json)!["node"]!["id"]!.GetValue<string>(), Is.EqualTo(NodeId.ForNode(cluster.Urls[node]).ToString()),
                    "the top level still describes the first member");
            });
        }
    }

    [Test]
    public async Task Each_later_member_joins_at_the_candidate_in_the_longest_arc_of_the_ring_so_far()
    {
        const int members = 12;
        await using var cluster = await KvCluster.StartAsync(1, Deadline, members);
        var address = cluster.Urls[0];

        // The same rule worked out from the identifiers alone: the process is the whole ring, so the ring when member
        // k joins is exactly members 0 to k − 1.
        var placed = new List<NodeId> { NodeId.ForNode(address) };
        for (var index = 1; index < members; index++)
        {
            placed.Add(VirtualNodePlacement.Choose(VirtualNodePlacement.CandidatesFor(address, index), candidate => ArcAround(placed, candidate)));
        }

        var actual = cluster.Service(0).Members.Select(member => member.Self.Id).ToList();

        // The port, and so every candidate, differs from run to run; with 11 choices the rule takes a second candidate
        // somewhere in all but about 1.5 % of runs (a pair splits the ring of k members' arcs unevenly often enough),
        // so a node that ignored the arcs would almost always fail here.
        Assert.That(actual, Is.EqualTo(placed), "members in joining order, each at the candidate a lookup found in the longest arc");
    }

    private static ulong ArcAround(List<NodeId> ring, NodeId candidate)
    {
        var sorted = ring.Order().ToList();
        var successor = sorted.FirstOrDefault(id => id > candidate, sorted[0]);
        var predecessor = sorted.LastOrDefault(id => id < candidate, sorted[^1]);
        return VirtualNodePlacement.ArcLength(predecessor, successor);
    }
}
