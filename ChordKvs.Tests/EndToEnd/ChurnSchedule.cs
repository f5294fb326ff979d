using System.Diagnostics;
using System.Globalization;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Kills random nodes of a <see cref="ProcessCluster"/> with SIGKILL and restarts each after a random time (same
/// address, empty memory, joining through a random live node), all choices drawn from one seeded random source.
/// </summary>
/// <remarks>
/// At most <see cref="MaxDown"/> nodes are down at once, and no node is killed until the live nodes' ring views
/// agree again after the last kill or restart and then <see cref="RepairTime"/> has passed, so that
/// anti-entropy has had time to bring every key back to its N replicas. Waits between events are the timetable
/// of the schedule, not waits for a condition; the conditions (ring agreement) are polled with a deadline.
/// </remarks>
internal sealed class ChurnSchedule(ProcessCluster cluster, HttpClient http, int seed)
{
    /// <summary>The most nodes down at the same time: N − 1 for N = 3 replicas.</summary>
    public const int MaxDown = 2;

    /// <summary>How long after the ring has agreed again the next kill waits, for re-replication.</summary>
    public static readonly TimeSpan RepairTime = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan FirstKillAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinGapBetweenKills = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxGapBetweenKills = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan MinDownTime = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan MaxDownTime = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan AgreementDeadline = TimeSpan.FromSeconds(120);

    private readonly Random random = new(seed);
    private readonly Stopwatch clock = new();
    private readonly List<string> events = [];
    private readonly HashSet<NodeSlot> restarting = [];

    /// <summary>How many kills were made.</summary>
    public int Kills { get; private set; }

    /// <summary>How many restarts were made.</summary>
    public int Restarts { get; private set; }

    /// <summary>What happened and when (seconds since the schedule started), one event a line.</summary>
    public string Describe()
    {
        lock (events)
        {
            return $"churn schedule (seed {seed}):{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", events)}";
        }
    }

    /// <summary>
    /// Kills and restarts nodes for <paramref name="duration"/>, then restarts every node still down, each at its
    /// planned time. Fails the test, with the schedule so far, if the ring does not agree again in time.
    /// </summary>
    public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        clock.Start();
        var down = new List<(NodeSlot Slot, TimeSpan RestartAt)>();
        var nextKill = FirstKillAfter;
        var changedSinceRepair = false;
        var restarts = new List<Task>();
        while (true)
        {
            var now = clock.Elapsed;
            var killsOver = now >= duration;
            if (killsOver && down.Count == 0)
            {
                await Task.WhenAll(restarts);
                Record("churn over; every node is up");
                return;
            }

            var restart = down.Count == 0 ? ((NodeSlot Slot, TimeSpan RestartAt)?)null : down.MinBy(entry => entry.RestartAt);
            var nextRestart = restart?.RestartAt ?? TimeSpan.MaxValue;
            var killAt = killsOver || down.Count >= MaxDown || nextKill >= duration ? TimeSpan.MaxValue : nextKill;
            var next = nextRestart < killAt ? nextRestart : killAt;
            if (next > now)
            {
                // Nothing planned before the churn ends: wake up then, to restart what is down and finish.
                await Task.Delay((next == TimeSpan.MaxValue ? duration : next) - now, cancellationToken);
                continue;
            }

            if (nextRestart <= now)
            {
                // Not awaited: two nodes due at once restart side by side, as they would after a shared outage.
                down.Remove(restart!.Value);
                restarts.Add(RestartAsync(restart.Value.Slot));
                changedSinceRepair = true;
                continue;
            }

            if (changedSinceRepair)
            {
                await Task.WhenAll(restarts);
                await WaitForRepairAsync(cancellationToken);
                changedSinceRepair = false;
                continue;
            }

            var live = cluster.LiveSlots;
            var victim = live[random.Next(live.Count)];
            var downFor = Between(MinDownTime, MaxDownTime);
            cluster.Kill(victim);
            Kills++;
            changedSinceRepair = true;
            down.Add((victim, clock.Elapsed + downFor));
            nextKill = clock.Elapsed + Between(MinGapBetweenKills, MaxGapBetweenKills);
            Record(string.Create(CultureInfo.InvariantCulture, $"SIGKILL {victim}; {down.Count} down; restart planned in {downFor.TotalSeconds:F1} s"));
        }
    }

    private async Task RestartAsync(NodeSlot slot)
    {
        // Joins through a node that is neither down nor itself restarting (a restarting process is already
        // counted live, but it may not listen yet).
        string joinUrl;
        lock (events)
        {
            var live = cluster.LiveSlots.Where(candidate => !restarting.Contains(candidate)).ToList();
            joinUrl = live[random.Next(live.Count)].Url!;
            restarting.Add(slot);
        }

        Record($"restarting {slot} joining through {joinUrl}");
        await cluster.RestartAsync(slot, joinUrl);
        lock (events)
        {
            restarting.Remove(slot);
            Restarts++;
        }

        Record($"{slot.Name} listens again");
    }

    private async Task WaitForRepairAsync(CancellationToken cancellationToken)
    {
        var disagreement = await RingViews.WaitForAgreementAsync(http, () => cluster.LiveUrls, AgreementDeadline, cancellationToken);
        if (disagreement is not null)
        {
            Record($"ring views still disagree after {AgreementDeadline.TotalSeconds} s: {disagreement}");
            Assert.Fail($"After a kill or restart the live nodes' ring views must agree again within {AgreementDeadline.TotalSeconds} s; {disagreement}{Environment.NewLine}{Describe()}{Environment.NewLine}{cluster.RecentOutput()}");
        }

        Record($"ring views agree over {cluster.LiveUrls.Count} live nodes; waiting {RepairTime.TotalSeconds} s for re-replication");
        await Task.Delay(RepairTime, cancellationToken);
    }

    private TimeSpan Between(TimeSpan min, TimeSpan max) => min + ((max - min) * random.NextDouble());

    private void Record(string what)
    {
        lock (events)
        {
            events.Add(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:F2}s ({DateTime.UtcNow:HH:mm:ss.fff} UTC)  {what}"));
        }
    }
}
