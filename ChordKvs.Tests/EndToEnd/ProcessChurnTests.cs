using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ChordKvs.Tests.Transport;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Five <c>chordkvs node</c> processes on loopback under a client workload while a seeded schedule kills nodes
/// with SIGKILL and restarts them with empty memory. Afterwards the ring is one cycle of the live nodes, no
/// acknowledged write is lost, no acknowledged delete undone, no read returned an invented value, and every
/// live key is on its three replicas.
/// </summary>
/// <remarks>
/// About 40 seconds of churn by default. Longer runs are opt-in through the environment, for example
/// <c>CHORDKVS_PROCESS_CHURN_SECONDS=300 dotnet test --filter ProcessChurn</c>; <c>CHORDKVS_PROCESS_CHURN_SEED</c>
/// repeats a schedule's choices (timing on a real machine still varies).
/// </remarks>
[Category("EndToEnd")]
[NonParallelizable]
public sealed class ProcessChurnTests
{
    private const string DurationVariable = "CHORDKVS_PROCESS_CHURN_SECONDS";
    private const string SeedVariable = "CHORDKVS_PROCESS_CHURN_SEED";
    private const int DefaultChurnSeconds = 40;
    private const int DefaultSeed = 20261130;
    private const int NodeCount = 5;
    private const int ReplicaCount = 3;
    private const int KeyCount = 200;
    private const int ClientCount = 4;
    private const string Secret = "process-churn-secret";
    private const int ShownProblems = 25;
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FinalReadDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // Anti-entropy as fast as ring maintenance, so that replicas repair within the schedule's repair time even on
    // a loaded machine; join retries capped low, so that a restarted node rejoins soon after its bootstrap answers.
    private static readonly Dictionary<string, string> Settings = NodeEnvironment.FastMaintenance(
        ("CHORDKVS_NODE__REPLICATION__REPLICACOUNT", ReplicaCount.ToString(CultureInfo.InvariantCulture)),
        ("CHORDKVS_NODE__REPLICATION__ANTIENTROPYINTERVAL", "00:00:01"),
        ("CHORDKVS_JOINRETRYMAXDELAY", "00:00:02"),
        ("CHORDKVS_LOGGING__LOGLEVEL__CHORDKVS.TRANSPORT.HTTP.CHORDKVSNODESERVICE", "Information"),

        // Every call to a killed node is expected to fail; the resilience pipeline's stack traces would bury the rest.
        ("CHORDKVS_LOGGING__LOGLEVEL__POLLY", "None"));

    [Test]
    public async Task ProcessChurn_keeps_acknowledged_writes_deletes_and_three_replicas_through_sigkills_and_restarts()
    {
        var churn = TimeSpan.FromSeconds(ReadSetting(DurationVariable, DefaultChurnSeconds));
        var seed = ReadSetting(SeedVariable, DefaultSeed);
        var keys = Enumerable.Range(0, KeyCount).Select(index => string.Create(CultureInfo.InvariantCulture, $"churn-key-{index:D3}")).ToList();
        var logDirectory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "process-churn-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        using var cluster = new ProcessCluster(NodeCount, Secret, Settings, logDirectory);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var internalClient = HttpTestClient.Create(options => options.ClusterSecret = Secret);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"process churn: seed {seed}, {churn.TotalSeconds} s of churn, {NodeCount} nodes, N = {ReplicaCount}, {KeyCount} keys, {ClientCount} clients; rerun with {SeedVariable}={seed} {DurationVariable}={churn.TotalSeconds}");
        try
        {
            await cluster.StartAsync(http);
            var origin = Stopwatch.GetTimestamp();
            var workload = new ClientWorkload(http, () => cluster.LiveUrls, keys, seed);
            var schedule = new ChurnSchedule(cluster, http, seed);
            using (var stopClients = new CancellationTokenSource())
            {
                var clients = workload.RunAsync(ClientCount, stopClients.Token);
                try
                {
                    await schedule.RunAsync(churn, CancellationToken.None);
                }
                finally
                {
                    await stopClients.CancelAsync();
                    await clients;
                    report.AppendLine(schedule.Describe());
                }
            }

            var ringDisagreement = await RingViews.WaitForAgreementAsync(http, () => cluster.LiveUrls, SettleDeadline, CancellationToken.None);
            var replicaCensus = new ReplicaCensus(internalClient.Transport(), ReplicaCount);
            var census = await WaitForFullReplicationAsync(replicaCensus, cluster.LiveUrls, keys);
            var finalReads = await ReadEverywhereAsync(http, cluster.LiveUrls, keys);

            var operationsLog = Path.Combine(logDirectory, "operations.log");
            await File.WriteAllLinesAsync(operationsLog, workload.Operations.OrderBy(operation => operation.Key, StringComparer.Ordinal).ThenBy(operation => operation.Invoked).Select(operation => operation.Describe(origin)));
            var history = new WriteHistory(workload.Operations);
            var anomalies = workload.Operations.Where(operation => operation.Kind == OperationKind.Get).Select(history.CheckRead)
                .Concat(finalReads.Select(read => read.Value is { } state ? history.CheckFinal(read.Key, read.Node, state.Body) : null))
                .OfType<HistoryAnomaly>().ToList();
            var notFoundDeletesThatDeleted = anomalies.Where(anomaly => anomaly.Kind == HistoryAnomalyKind.DeleteAnswered404TookEffect).ToList();
            anomalies.RemoveAll(notFoundDeletesThatDeleted.Contains);
            var anomalousKeys = new List<string>();
            foreach (var key in anomalies.Select(anomaly => anomaly.Key).Distinct(StringComparer.Ordinal).Take(ShownProblems))
            {
                anomalousKeys.Add(await replicaCensus.DescribeAsync(cluster.LiveUrls, key, CancellationToken.None));
            }

            var unanswered = finalReads.Where(read => read.Value is null).Select(read => $"{read.Key} through {read.Node}: {read.Failure}").ToList();

            var lostKeys = DistinctKeys(anomalies, HistoryAnomalyKind.LostWrite);
            var resurrectedKeys = DistinctKeys(anomalies, HistoryAnomalyKind.ResurrectedDelete);
            var invented = anomalies.Count(anomaly => anomaly.Kind == HistoryAnomalyKind.InventedValue);
            var readsChecked = workload.Operations.Count(operation => operation.IsAnsweredRead);
            report.AppendLine(CultureInfo.InvariantCulture, $"kills: {schedule.Kills}, restarts: {schedule.Restarts}");
            report.AppendLine(CultureInfo.InvariantCulture, $"operations: {workload.Operations.Count} ({history.AcknowledgedWrites} acknowledged writes and {readsChecked} answered reads checked; {workload.Operations.Count(operation => operation.IsIndeterminateWrite)} writes without acknowledgement; {workload.Operations.Count(operation => operation.Kind == OperationKind.Delete && operation.Status == 404)} deletes answered 404)");
            report.AppendLine(CultureInfo.InvariantCulture, $"final reads: {finalReads.Count - unanswered.Count} of {finalReads.Count} answered ({keys.Count} keys through each of {cluster.LiveUrls.Count} nodes)");
            report.AppendLine(CultureInfo.InvariantCulture, $"lost writes: {lostKeys} keys, resurrected deletes: {resurrectedKeys} keys, invented values: {invented} reads, under-replicated keys: {census.UnderReplicated.Count} of {census.LiveKeys} live keys");
            report.AppendLine(CultureInfo.InvariantCulture, $"keys whose state only a delete answered 404 explains (the delete took effect; reported, not failed): {DistinctKeys(notFoundDeletesThatDeleted, HistoryAnomalyKind.DeleteAnswered404TookEffect)}");
            report.Append(string.Concat(notFoundDeletesThatDeleted.DistinctBy(anomaly => anomaly.Key).Take(ShownProblems).Select(anomaly => $"  {anomaly.Describe(origin)}{Environment.NewLine}")));
            report.AppendLine($"ring views after the churn: {ringDisagreement ?? "one cycle of the live nodes"}");
            report.AppendLine($"every operation, by key: {operationsLog}");
            TestContext.Out.WriteLine(report.ToString());

            var problems = new List<string>();
            AddProblems(problems, ringDisagreement is null ? [] : [ringDisagreement], "the live nodes' /cluster views must form one ring");
            AddProblems(problems, [.. anomalies.Select(anomaly => anomaly.Describe(origin))], "no acknowledged write lost, no acknowledged delete undone, no invented value");
            if (anomalousKeys.Count > 0)
            {
                // Not a check of its own: what every node now holds for the keys above, to tell where they went.
                problems.Add("Each node's own entry for those keys now:");
                problems.AddRange(anomalousKeys.Select(line => "  " + line));
            }

            AddProblems(problems, census.UnderReplicated, $"every live key has its newest version on its {ReplicaCount} replicas");
            AddProblems(problems, unanswered, "every node answers the final read of every key");
            Assert.That(problems, Is.Empty, $"{report}{Environment.NewLine}{string.Join(Environment.NewLine, problems)}{Environment.NewLine}{cluster.RecentOutput()}");
        }
        catch (Exception) when (report.Length > 0 && TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine(report.ToString());
            TestContext.Out.WriteLine(cluster.RecentOutput());
            throw;
        }
    }

    private static int ReadSetting(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : fallback;

    private static int DistinctKeys(IEnumerable<HistoryAnomaly> anomalies, HistoryAnomalyKind kind) =>
        anomalies.Where(anomaly => anomaly.Kind == kind).Select(anomaly => anomaly.Key).Distinct(StringComparer.Ordinal).Count();

    private static void AddProblems(List<string> problems, IReadOnlyList<string> found, string expectation)
    {
        if (found.Count > 0)
        {
            problems.Add($"Expected {expectation}; {found.Count} problem(s){(found.Count > ShownProblems ? $", the first {ShownProblems}" : string.Empty)}:");
            problems.AddRange(found.Take(ShownProblems).Select(problem => "  " + problem));
        }
    }

    /// <summary>Takes replica censuses until every live key is on all its replicas or the deadline passes; returns the last.</summary>
    private static async Task<ReplicaCensus.Result> WaitForFullReplicationAsync(ReplicaCensus census, IReadOnlyList<string> liveUrls, IReadOnlyList<string> keys)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await census.TakeAsync(liveUrls, keys, CancellationToken.None);
            if (result.UnderReplicated.Count == 0 || clock.Elapsed > SettleDeadline)
            {
                return result;
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>A final read of one key through one node: its state (null body for no value), or null and why it was never answered.</summary>
    private sealed record FinalRead(string Key, string Node, KeyState? Value, string? Failure);

    /// <summary>A key's state as a read answered it.</summary>
    private sealed record KeyState(string? Body);

    /// <summary>Reads every key through every node, retrying a read until it is answered with 200 or 404 or its deadline passes.</summary>
    private static async Task<List<FinalRead>> ReadEverywhereAsync(HttpClient http, IReadOnlyList<string> nodes, IReadOnlyList<string> keys)
    {
        var reads = await Task.WhenAll(nodes.Select(async node =>
        {
            var results = new List<FinalRead>();
            foreach (var key in keys)
            {
                results.Add(await ReadUntilAnsweredAsync(http, node, key));
            }

            return results;
        }));
        return [.. reads.SelectMany(results => results)];
    }

    private static async Task<FinalRead> ReadUntilAnsweredAsync(HttpClient http, string node, string key)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string failure;
            try
            {
                using var response = await http.GetAsync(new Uri($"{node}/kv/{key}"));
                var body = await response.Content.ReadAsStringAsync();
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        return new FinalRead(key, node, new KeyState(body), null);
                    case HttpStatusCode.NotFound:
                        return new FinalRead(key, node, new KeyState(null), null);
                    default:
                        failure = $"{(int)response.StatusCode} {body}";
                        break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                failure = ex.Message;
            }

            if (clock.Elapsed > FinalReadDeadline)
            {
                return new FinalRead(key, node, null, failure);
            }

            await Task.Delay(PollInterval);
        }
    }
}
