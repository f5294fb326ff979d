using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ChordKvs.Host;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// The built <c>chordkvs</c> executable, run as three separate OS processes forming one ring over loopback
/// HTTP: acknowledged writes survive the SIGKILL of one of them.
/// </summary>
[Category("EndToEnd")]
[NonParallelizable]
public sealed class ProcessClusterTests
{
    private const int KeyCount = 30;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SurvivalDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    // Fast maintenance so the ring forms and repairs in well under the deadlines; set through the environment,
    // which is also how an operator would set them.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["CHORDKVS_NODE__RING__STABILIZEINTERVAL"] = "00:00:00.200",
        ["CHORDKVS_NODE__RING__CHECKPREDECESSORINTERVAL"] = "00:00:00.300",
        ["CHORDKVS_NODE__RING__FIXFINGERSINTERVAL"] = "00:00:01",
        ["CHORDKVS_JOINRETRYINITIALDELAY"] = "00:00:00.200",
        ["CHORDKVS_LOGGING__LOGLEVEL__DEFAULT"] = "Warning",
    };

    private readonly List<NodeProcess> nodes = [];

    [TearDown]
    public void KillEveryNode()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (var node in nodes)
            {
                TestContext.Out.WriteLine(node.RecentOutput());
            }
        }

        foreach (var node in nodes)
        {
            node.Dispose();
        }

        nodes.Clear();
    }

    [Test]
    public async Task Acknowledged_writes_survive_the_sigkill_of_one_of_three_node_processes()
    {
        var dll = ChordKvsExecutable.Locate();
        var first = StartNode(dll, "node 1", []);
        var firstUrl = await first.WaitForAddressAsync(StartTimeout);
        var others = new[] { StartNode(dll, "node 2", ["--join", firstUrl]), StartNode(dll, "node 3", ["--join", firstUrl]) };
        var urls = new List<string> { firstUrl };
        foreach (var node in others)
        {
            urls.Add(await node.WaitForAddressAsync(StartTimeout));
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var notFormed = await RingFormation.WaitAsync(client, urls, 1, FormationTimeout, TimeProvider.System, CancellationToken.None);
        Assert.That(notFormed, Is.Null, "three processes form one ring: every node's /cluster/nodes finds all three");

        var acknowledged = await WriteKeysAsync(client, urls);
        Assert.That(acknowledged, Has.Count.EqualTo(KeyCount), "a healthy ring of three acknowledges every write");

        // SIGKILL the node that created the ring: it has no special role afterwards.
        nodes[0].Kill();
        var survivors = urls.Skip(1).ToList();
        var missing = await WaitUntilReadableAsync(client, survivors, acknowledged, SurvivalDeadline);

        Assert.That(missing, Is.Empty, $"every acknowledged key must be readable from both survivors within {SurvivalDeadline.TotalSeconds} s of the SIGKILL; still missing or wrong:");
    }

    private NodeProcess StartNode(string dll, string name, string[] arguments)
    {
        var node = NodeProcess.Start(name, dll, ["--listen", "127.0.0.1:0", "--secret", "end-to-end-secret", .. arguments], Environment);
        nodes.Add(node);
        return node;
    }

    private static async Task<Dictionary<string, byte[]>> WriteKeysAsync(HttpClient client, List<string> urls)
    {
        var acknowledged = new Dictionary<string, byte[]>();
        for (var index = 0; index < KeyCount; index++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"e2e/key-{index}");
            var value = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"index\": {index}, \"text\": \"value {index}\"}}"));
            var url = urls[index % urls.Count];
            using var content = new ByteArrayContent(value);
            using var response = await client.PutAsync(new Uri($"{url}/kv/{key}"), content);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                acknowledged[key] = value;
            }
            else
            {
                TestContext.Out.WriteLine($"PUT {key} through {url} was not acknowledged: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        return acknowledged;
    }

    /// <summary>Polls every survivor for every key until all answer with the written bytes or the deadline passes.</summary>
    /// <returns>What is still missing, one line per key and node.</returns>
    private static async Task<List<string>> WaitUntilReadableAsync(HttpClient client, List<string> survivors, Dictionary<string, byte[]> acknowledged, TimeSpan deadline)
    {
        var pending = survivors.SelectMany(url => acknowledged.Keys.Select(key => (url, key))).ToHashSet();
        var lastAnswer = new Dictionary<(string Url, string Key), string>();
        var clock = Stopwatch.StartNew();
        while (pending.Count > 0 && clock.Elapsed < deadline)
        {
            var before = pending.Count;
            foreach (var (url, key) in pending.ToList())
            {
                try
                {
                    using var response = await client.GetAsync(new Uri($"{url}/kv/{key}"));
                    var body = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.OK && body.AsSpan().SequenceEqual(acknowledged[key]))
                    {
                        pending.Remove((url, key));
                    }
                    else
                    {
                        lastAnswer[(url, key)] = $"{(int)response.StatusCode} {Encoding.UTF8.GetString(body)}";
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    lastAnswer[(url, key)] = ex.Message;
                }
            }

            if (pending.Count == before)
            {
                // A round without progress: give the ring a moment to repair before asking again.
                await Task.Delay(PollInterval);
            }
        }

        return [.. pending.Select(item => $"{item.key} from {item.url}: {lastAnswer.GetValueOrDefault(item, "never answered")}")];
    }
}
