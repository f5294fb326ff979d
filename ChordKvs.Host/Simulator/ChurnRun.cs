using System.Diagnostics;
using System.Globalization;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// One run of the churn experiment at one rate: a ring with maintenance running, three Poisson processes (joins,
/// departures, lookups) as events on the simulation's clock, and every lookup judged at the moment it ends
/// against the members at that moment.
/// </summary>
/// <remarks>
/// A member is a node whose join has completed and that has not departed. Joins go through a random member;
/// departures and lookups pick random members. Lookups started during the warm-up, and lookups whose asking node
/// departs before they end, are not counted.
/// </remarks>
internal sealed class ChurnRun
{
    private readonly Departure _departure;
    private readonly SimulatedRing _ring;
    private readonly Random _random;
    private readonly LookupClient _client;
    private readonly List<ChordNode> _everyNode = [];
    private readonly LookupTally _tally = new();
    private readonly TimeSpan _measureFrom;
    private readonly TimeSpan _end;
    private RingOracle? _oracle;
    private int _joins;
    private int _failedJoins;
    private int _departures;
    private int _abandoned;
    private int _outstanding;

    private ChurnRun(ChurnOptions options, Departure departure, int seed)
    {
        _departure = departure;
        var period = options.StabilizePeriod;
        _ring = new SimulatedRing(seed, new ChordOptions
        {
            SuccessorListLength = options.EffectiveSuccessorListLength,
            StabilizeInterval = period,
            FixFingersInterval = period,
            CheckPredecessorInterval = period,
            MaintenanceJitter = 0.5,
        });
        _random = new Random(Seeds.For(seed, 1));
        _client = new LookupClient(_ring.Network);
        _measureFrom = options.WarmUp;
        _end = options.WarmUp + options.Duration;
    }

    /// <summary>Runs the churn at <paramref name="rate"/> from a stable ring of <see cref="ChurnOptions.Nodes"/> and returns what the lookups did.</summary>
    public static ChurnRow Run(ChurnOptions options, Departure departure, double rate, int seed, ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var wall = Stopwatch.StartNew();
        var run = new ChurnRun(options, departure, seed);
        run._everyNode.AddRange(run._ring.CreateStableRing(options.Nodes, startMaintenance: true));
        if (rate > 0)
        {
            run.SchedulePoisson(rate, run.Join);
            run.SchedulePoisson(rate, run.Depart);
        }

        run.SchedulePoisson(options.LookupRate, run.Lookup);
        var scheduler = run._ring.Scheduler;
        while (scheduler.Elapsed < run._end)
        {
            scheduler.RunFor(Min(TimeSpan.FromMinutes(1), run._end - scheduler.Elapsed));
            progress.Tick(() => string.Create(CultureInfo.InvariantCulture, $"churn ({departure}): rate {rate:0.00}: {scheduler.Elapsed.TotalSeconds:0} of {run._end.TotalSeconds:0} s virtual, {run._tally.Lookups:N0} lookups, {run._tally.Failures} failed, {run.Members().Count} nodes"));
        }

        // No new events start after the end; let the lookups in flight finish.
        scheduler.RunUntil(() => run._outstanding == 0, TimeSpan.FromMinutes(10));
        var maintenanceFailures = run._everyNode.Sum(node => node.MaintenanceFailures);
        return new ChurnRow(departure, rate, run._tally, run._joins, run._failedJoins, run._departures, run._abandoned, run.Members().Count, maintenanceFailures, run._ring.Network.MessagesSent, wall.Elapsed);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void SchedulePoisson(double perSecond, Action action)
    {
        var wait = TimeSpan.FromSeconds(-Math.Log(1 - _random.NextDouble()) / perSecond);
        _ring.Scheduler.Schedule(wait, () =>
        {
            if (_ring.Scheduler.Elapsed >= _end)
            {
                return;
            }

            action();
            SchedulePoisson(perSecond, action);
        });
    }

    private List<ChordNode> Members() => [.. _ring.LiveNodes.Where(node => node.Status == ChordNodeStatus.Member)];

    private RingOracle Oracle() => _oracle ??= new RingOracle(Members().Select(node => node.Self));

    private void MembershipChanged() => _oracle = null;

    private void Join()
    {
        var members = Members();
        var via = members[_random.Next(members.Count)].Self;
        var node = _ring.NewNode();
        _everyNode.Add(node);
        _joins++;
        _ = JoinAsync(node, via);
    }

    private async Task JoinAsync(ChordNode node, NodeInfo via)
    {
        try
        {
            await node.JoinAsync(via);
        }
        catch (Exception failure) when (failure is LookupFailedException or NodeUnreachableException or InvalidOperationException)
        {
            // The bootstrap node or the successor departed during the join: the newcomer gives up.
            _failedJoins++;
            _ring.Crash(node);
        }

        MembershipChanged();
    }

    private void Depart()
    {
        var members = Members();
        if (members.Count <= 2)
        {
            return;
        }

        var node = members[_random.Next(members.Count)];
        _departures++;
        MembershipChanged();
        if (_departure == Departure.Leave)
        {
            _ = _ring.LeaveAsync(node);
        }
        else
        {
            _ring.Crash(node);
        }
    }

    private void Lookup()
    {
        var members = Members();
        var from = members[_random.Next(members.Count)];
        var target = new NodeId(Seeds.NextId(_random));
        var counted = _ring.Scheduler.Elapsed >= _measureFrom;
        _outstanding++;
        _ = LookupAsync(from, target, counted);
    }

    private async Task LookupAsync(ChordNode from, NodeId target, bool counted)
    {
        var outcome = await _client.ResolveAsync(from, target);
        _outstanding--;
        if (!counted)
        {
            return;
        }

        if (from.Status != ChordNodeStatus.Member)
        {
            _abandoned++;
            return;
        }

        _tally.Add(outcome, Oracle(), _ring.Network.IsUp);
    }
}
