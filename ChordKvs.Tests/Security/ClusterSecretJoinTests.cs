using System.Net.Http.Json;
using ChordKvs.Tests.Hosting;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Security;

/// <summary>A node must present the ring's cluster secret to join it; one that does not is refused and stops.</summary>
public sealed class ClusterSecretJoinTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private SingleNodes nodes = null!;

    [SetUp]
    public void CreateNodes() => nodes = new SingleNodes();

    [TearDown]
    public async Task StopNodesAsync() => await nodes.DisposeAsync();

    [TestCase("another-secret", TestName = "A_node_with_a_wrong_secret_is_refused_and_stops")]
    [TestCase(null, TestName = "A_node_without_the_secret_is_refused_and_stops")]
    public async Task A_node_with_another_secret_cannot_join(string? joinerSecret)
    {
        var ring = await nodes.StartAsync(new Dictionary<string, string?> { [nameof(ChordKvsNodeOptions.ClusterSecret)] = "the-ring-secret" });
        var joiner = await nodes.StartAsync(new Dictionary<string, string?>
        {
            [nameof(ChordKvsNodeOptions.JoinUrl)] = SingleNodes.Url(ring),
            [nameof(ChordKvsNodeOptions.ClusterSecret)] = joinerSecret,
        });

        var joined = SingleNodes.Service(joiner).Joined;
        var stopping = joiner.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await joined.WaitAsync(Deadline);
            Assert.Fail("the join through a node with another cluster secret succeeded");
        }
        catch (InvalidOperationException refused)
        {
            Assert.That(refused.Message, Does.Contain("refused this node's cluster secret").And.Contain("401"), "the failure names the secret as the cause");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the join neither succeeded nor failed within {Deadline.TotalSeconds} s; it should fail at the first refusal");
        }

        Assert.Multiple(() =>
        {
            Assert.That(stopping.IsCancellationRequested, Is.True, "a node that cannot join stops its host (chordkvs node then exits with code 1)");
            Assert.That(nodes.Logs.Entries.Any(entry => entry.Level == LogLevel.Critical && entry.Message.Contains("cluster secret", StringComparison.Ordinal)),
                Is.True, "the refusal is logged as critical, naming the cluster secret");
        });

        var status = await nodes.Client.GetFromJsonAsync(new Uri(SingleNodes.Url(ring) + "/cluster"), ClientApiJsonContext.Default.NodeStatus);
        Assert.Multiple(() =>
        {
            Assert.That(status!.Predecessor, Is.Null, "the ring never adopted the refused node as a predecessor");
            Assert.That(status.Successors.Select(node => node.Id), Is.All.EqualTo(status.Node.Id), "the ring never adopted the refused node as a successor");
        });
    }

    [Test]
    public async Task A_node_with_the_same_secret_joins()
    {
        var settings = new Dictionary<string, string?> { [nameof(ChordKvsNodeOptions.ClusterSecret)] = "the-ring-secret" };
        var ring = await nodes.StartAsync(settings);
        var joiner = await nodes.StartAsync(new Dictionary<string, string?>(settings) { [nameof(ChordKvsNodeOptions.JoinUrl)] = SingleNodes.Url(ring) });

        Assert.That(async () => await SingleNodes.Service(joiner).Joined.WaitAsync(Deadline), Throws.Nothing, "a node with the ring's secret joins");
    }
}
