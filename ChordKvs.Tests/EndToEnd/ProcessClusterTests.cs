using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

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
    private static readonly TimeSpan SurvivalDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private ProcessCluster? cluster;

    [TearDown]
    public void KillEveryNode()
    {
        if (cluster is not null && TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine(cluster.RecentOutput());
        }

        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task Acknowledged_writes_survive_the_sigkill_of_one_of_three_node_processes()
    {
        var logDirectory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "process-cluster-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        cluster = new ProcessCluster(3, "end-to-end-secret", NodeEnvironment.FastMaintenance(), logDirectory);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await cluster.StartAsync(client);
        var urls = cluster.LiveUrls.ToList();

        var acknowledged = await WriteKeysAsync(client, urls);
        Assert.That(acknowledged, Has.Count.EqualTo(KeyCount), "a healthy ring of three acknowledges every write");

        // SIGKILL the node that created the ring: it has no special role afterwards.
        cluster.Kill(cluster.Slots[0]);
        var survivors = cluster.LiveUrls.ToList();
        var missing = await WaitUntilReadableAsync(client, survivors, acknowledged, SurvivalDeadline);

        Assert.That(missing, Is.Empty, $"every acknowledged key must be readable from both survivors within {SurvivalDeadline.TotalSeconds} s of the SIGKILL; still missing or wrong:");
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
