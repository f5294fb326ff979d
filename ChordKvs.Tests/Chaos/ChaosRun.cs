using System.Collections.Immutable;
using System.Text;
using ChordKvs.Core;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Chaos;

/// <summary>
/// One deterministic chaos run: a cluster on the simulated network, a fault schedule, and concurrent clients
/// that record every operation; then the faults stop, the cluster settles, and the history is checked.
/// </summary>
/// <remarks>
/// The seed fixes the cluster, the network and the client workload; the schedule is passed separately so that a
/// failing schedule can be shrunk by re-running the same seed with fewer faults.
/// </remarks>
public sealed class ChaosRun
{
    private readonly int _seed;
    private readonly ChaosSettings _settings;
    private readonly ImmutableArray<ChaosFault> _faults;
    private readonly List<ChaosOperation> _history = [];
    private readonly List<Task> _clients = [];
    private readonly List<double> _lossRates = [];
    private readonly List<TimeSpan> _latencies = [];
    private SimulatedCluster _cluster = null!;
    private TimeSpan _defaultMaxLatency;
    private int _faultsApplied;

    private ChaosRun(int seed, ChaosSettings settings, ImmutableArray<ChaosFault> faults)
    {
        _seed = seed;
        _settings = settings;
        _faults = faults;
    }

    /// <summary>Runs <paramref name="faults"/> (the generated schedule when null) on the cluster and workload of <paramref name="seed"/>.</summary>
    public static ChaosReport Execute(int seed, ChaosSettings settings, ImmutableArray<ChaosFault>? faults = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ChaosRun(seed, settings, faults ?? ChaosScheduleGenerator.Generate(seed, settings)).Execute();
    }

    private SimulationScheduler Scheduler => _cluster.Scheduler;

    private TimeSpan Now => Scheduler.Elapsed;

    private ChaosReport Execute()
    {
        _cluster = new SimulatedCluster(_seed);
        _defaultMaxLatency = _cluster.Network.Options.MaxLatency;
        _cluster.Start(_settings.InitialNodes);
        if (!_cluster.RunUntil(() => true, _settings.SettleLimit))
        {
            return Report([new ChaosViolation(ViolationKind.Ring, "-", $"the initial ring did not form: {_cluster.FindRingError()}")]);
        }

        var start = Now;
        foreach (var fault in _faults)
        {
            Scheduler.Schedule(fault.At, () => Apply(fault));
        }

        var workload = new Random(_seed ^ 0x3c6ef372);
        for (var client = 0; client < _settings.Clients; client++)
        {
            var random = new Random(workload.Next());
            Scheduler.Schedule(TimeSpan.Zero, () => _clients.Add(ClientAsync(random, start + _settings.FaultPhase)));
        }

        Scheduler.RunFor(_settings.FaultPhase);
        EndFaults();
        Scheduler.RunFor(_settings.OperationTimeout);

        var keys = Enumerable.Range(0, _settings.Keys).Select(KeyName).ToList();
        var settled = _cluster.RunUntil(() => ReplicationError(keys) is null, _settings.SettleLimit);
        var violations = new List<ChaosViolation>();
        if (!settled)
        {
            if (_cluster.FindRingError() is { } ringError)
            {
                violations.Add(new ChaosViolation(ViolationKind.Ring, "-", $"the ring did not settle within {_settings.SettleLimit}: {ringError}"));
            }
            else
            {
                violations.Add(ReplicationError(keys)!);
            }
        }

        violations.AddRange(LookupErrors());
        foreach (var key in keys)
        {
            violations.AddRange(LastWriterWinsChecker.Check(key, _history, FinalValue(key)).Select(violation => violation with { Detail = violation.Detail + KeyTrace(key) }));
        }

        return Report(violations);
    }

    private ChaosReport Report(IReadOnlyList<ChaosViolation> violations) => new(
        _seed,
        _faults,
        _faultsApplied,
        _history.Count(operation => operation.MayHaveWritten && operation.Outcome == OperationOutcome.Acknowledged),
        _history.Count(operation => operation.Kind == OperationKind.Get && operation.Outcome == OperationOutcome.Acknowledged),
        violations);

    private static string KeyName(int index) => $"key-{index}";

    private async Task ClientAsync(Random random, TimeSpan until)
    {
        var time = Scheduler.TimeProvider;
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1, (int)_settings.MaxThinkTime.TotalMilliseconds)), time);
            if (Now >= until)
            {
                return;
            }

            var members = _cluster.LiveNodes.Where(node => node.Ring.Status == ChordNodeStatus.Member).ToList();
            var key = KeyName(random.Next(_settings.Keys));
            var draw = random.Next(100);
            if (members.Count == 0)
            {
                continue;
            }

            var node = members[random.Next(members.Count)];
            var kind = draw < 45 ? OperationKind.Put : draw < 60 ? OperationKind.Delete : OperationKind.Get;
            var operation = new ChaosOperation(_history.Count, kind, key, kind == OperationKind.Put ? $"\"v{_history.Count}\"" : null, Now);
            _history.Add(operation);
            var call = kind switch
            {
                OperationKind.Put => node.PutAsync(key, Encoding.UTF8.GetBytes(operation.Value!)),
                OperationKind.Delete => node.DeleteAsync(key),
                _ => node.GetAsync(key),
            };

            await Task.WhenAny(call, Task.Delay(_settings.OperationTimeout, time));
            Record(operation, call);
        }
    }

    private void Record(ChaosOperation operation, Task<KvResult> call)
    {
        operation.CompletedAt = Now;
        if (!call.IsCompletedSuccessfully)
        {
            operation.Outcome = OperationOutcome.Unknown;
            return;
        }

        var result = call.Result;
        (operation.Outcome, operation.ReadValue) = (operation.Kind, result.Outcome) switch
        {
            (OperationKind.Get, KvOutcome.Found) => (OperationOutcome.Acknowledged, Encoding.UTF8.GetString(result.Value!)),
            (OperationKind.Get, KvOutcome.NotFound) => (OperationOutcome.Acknowledged, null),
            (OperationKind.Put, KvOutcome.Created or KvOutcome.Replaced) => (OperationOutcome.Acknowledged, null),
            (OperationKind.Delete, KvOutcome.Deleted) => (OperationOutcome.Acknowledged, null),
            // Not "nothing changed": the receiving node retries a coordinator that did not answer in time, and
            // the retry finds the tombstone the first attempt wrote (chaos seed 62 under message loss).
            (OperationKind.Delete, KvOutcome.NotFound) => (OperationOutcome.Unknown, null),
            _ => (OperationOutcome.Unknown, null),
        };
    }

    private void Apply(ChaosFault fault)
    {
        var target = fault.Nodes.IsEmpty ? null : NodeInfo.FromAddress(fault.Nodes[0]);
        var live = target is null ? null : _cluster.Find(target.Id);
        switch (fault.Kind)
        {
            case FaultKind.Crash when live is not null:
                _cluster.Crash(live);
                break;
            case FaultKind.Leave when live is not null:
                _ = _cluster.LeaveAsync(live);
                break;
            case FaultKind.Restart or FaultKind.Join when live is null && !_cluster.Network.IsUp(target!.Id):
                _ = JoinAsync(_cluster.NewNode(target));
                break;
            case FaultKind.Partition:
                _cluster.Network.Partition([.. fault.Nodes.Select(address => NodeInfo.FromAddress(address).Id)]);
                Scheduler.Schedule(fault.Duration, _cluster.Network.Heal);
                break;
            case FaultKind.Loss:
                _lossRates.Add(fault.Rate);
                _cluster.Network.Options.LossRate = _lossRates.Max();
                Scheduler.Schedule(fault.Duration, () =>
                {
                    _lossRates.Remove(fault.Rate);
                    _cluster.Network.Options.LossRate = _lossRates.DefaultIfEmpty(0).Max();
                });
                break;
            case FaultKind.Delay:
                _latencies.Add(fault.Latency);
                _cluster.Network.Options.MaxLatency = _latencies.Max();
                Scheduler.Schedule(fault.Duration, () =>
                {
                    _latencies.Remove(fault.Latency);
                    _cluster.Network.Options.MaxLatency = _latencies.DefaultIfEmpty(_defaultMaxLatency).Max();
                });
                break;
            default:
                // The node is not in the state the fault needs (a shrunk schedule left out what put it there).
                return;
        }

        _faultsApplied++;
    }

    private async Task JoinAsync(ChordKvsNode node)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (node.Ring.Status != ChordNodeStatus.Created || _cluster.Find(node.Self.Id) != node)
            {
                // Joined (a late step of the join failed, which maintenance repairs), or crashed meanwhile.
                return;
            }

            try
            {
                await _cluster.JoinThroughMemberAsync(node);
                return;
            }
            catch (Exception exception) when (exception is Core.Transport.NodeUnreachableException or LookupFailedException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), Scheduler.TimeProvider);
            }
        }

        _cluster.Crash(node);
    }

    private void EndFaults()
    {
        _cluster.Network.Heal();
        _lossRates.Clear();
        _latencies.Clear();
        _cluster.Network.Options.LossRate = 0;
        _cluster.Network.Options.MaxLatency = _defaultMaxLatency;
    }

    /// <summary>The newest entry for the key on any live node: what the store converges to.</summary>
    private Core.Storage.StoredEntry? Newest(string key) =>
        _cluster.LiveNodes.Select(node => node.Store.Get(key)).Where(entry => entry is not null).MaxBy(entry => entry!.Version);

    private string? FinalValue(string key) => Newest(key) is { IsTombstone: false } entry ? Encoding.UTF8.GetString(entry.Value!) : null;

    /// <summary>What a failure message needs to explain a key's violation: its last operations and every live node's entry.</summary>
    private string KeyTrace(string key)
    {
        var operations = _history.Where(operation => operation.Key == key && operation.Kind != OperationKind.Get).TakeLast(8);
        var entries = _cluster.LiveNodes.Select(node => $"{node.Self.Address}: {(node.Store.Get(key) is { } entry ? (entry.IsTombstone ? "tombstone " : Encoding.UTF8.GetString(entry.Value!) + " ") + entry.Version : "nothing")}");
        return $"\n    last writes: {string.Join("; ", operations)}\n    entries: {string.Join("; ", entries)}";
    }

    private ChaosViolation? ReplicationError(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            if (Newest(key) is not { } newest)
            {
                continue;
            }

            foreach (var replica in _cluster.ExpectedReplicasOf(key))
            {
                var held = _cluster.Find(replica.Id)?.Store.Get(key);
                if (held?.Version != newest.Version)
                {
                    return new ChaosViolation(ViolationKind.Replication, key, $"expected replica {replica} holds {held?.Version.ToString() ?? "nothing"}, the newest version is {newest.Version}");
                }
            }
        }

        return null;
    }

    private IEnumerable<ChaosViolation> LookupErrors()
    {
        var oracle = new RingOracle(_cluster.LiveNodes.Select(node => node.Self));
        var random = new Random(_seed);
        for (var i = 0; i < 20; i++)
        {
            var id = new NodeId((ulong)random.NextInt64());
            var from = _cluster.LiveNodes[random.Next(_cluster.LiveNodes.Count)];
            var found = _cluster.Run(() => from.Ring.FindSuccessorAsync(id));
            if (found.Successor.Id != oracle.Successor(id).Id)
            {
                yield return new ChaosViolation(ViolationKind.Ring, "-", $"lookup of {id} from {from.Self} found {found.Successor}, the oracle says {oracle.Successor(id)}");
            }
        }
    }
}
