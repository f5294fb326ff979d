using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Diagnostics;

/// <summary>
/// The instruments of one ChordKvs node, on one <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>: client requests, lookups, forwards, stored keys and bytes, the ring as the node sees
/// it, and the replication work that keeps every key on N nodes.
/// </summary>
/// <remarks>
/// Instruments only record: nothing here runs on a timer, and without a listener a recording costs a few
/// instructions, so nodes on the simulated network stay deterministic with or without metrics. Observable
/// instruments (keys, bytes, ring size) read the attached node when a listener collects them. A metrics object
/// follows one node at a time: the one most recently built with it (a host replaces its node between join
/// attempts). See docs/operations.md for the series as Prometheus shows them.
/// </remarks>
public sealed class ChordKvsMetrics : IDisposable
{
    /// <summary>The name of the meter every ChordKvs instrument belongs to.</summary>
    public const string MeterName = "ChordKvs";

    private static readonly double[] LatencyBucketsSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly int[] HopBuckets = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32];

    private readonly bool _ownsMeter;
    private readonly Histogram<double> _clientRequestDuration;
    private readonly Histogram<int> _lookupHops;
    private readonly Counter<long> _entriesTransferred;
    private readonly Counter<long> _rangesOutOfSync;
    private readonly Counter<long> _readRepairs;
    private readonly Counter<long> _replicaWriteFailures;
    private ChordKvsNode? _node;
    private int _replicasOutOfSyncLastPass;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of their own when it is null.</summary>
    /// <param name="meterFactory">The host's meter factory (it then owns the meter), so that each host's listeners see only its own node.</param>
    public ChordKvsMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);

        _clientRequestDuration = Meter.CreateHistogram("chordkvs.client.request.duration", "s",
            "Duration of client requests on /kv, by operation (get, put, delete) and HTTP status; its count is the number of requests.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsSeconds });
        _lookupHops = Meter.CreateHistogram("chordkvs.lookup.hops", "{hop}",
            "Nodes that answered a step of the lookup that found the node responsible for a client request's key.",
            tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = HopBuckets });
        _entriesTransferred = Meter.CreateCounter<long>("chordkvs.replication.entries.transferred", "{entry}",
            "Entries moved between nodes by range transfers (join, leave hand-over, anti-entropy), by direction (sent, received).");
        _rangesOutOfSync = Meter.CreateCounter<long>("chordkvs.antientropy.ranges.out_of_sync", "{range}",
            "Replicas whose digest of part of this node's range still differed from this node's after the replica timeout, so entries were exchanged.");
        _readRepairs = Meter.CreateCounter<long>("chordkvs.replication.read_repairs", "{entry}",
            "Stale replicas brought up to date after a read saw a newer version elsewhere.");
        _replicaWriteFailures = Meter.CreateCounter<long>("chordkvs.replication.replica_write.failures", "{write}",
            "Replica writes that were not acknowledged in time; anti-entropy delivers them later.");

        Meter.CreateObservableGauge("chordkvs.antientropy.replicas.out_of_sync", () => Volatile.Read(ref _replicasOutOfSyncLastPass), "{replica}",
            "Replicas with which the last anti-entropy pass exchanged entries: zero once every replica of this node's range agrees.");
        Meter.CreateObservableGauge("chordkvs.store.keys", () => ObserveNode(node => node.Store.LiveCount), "{key}",
            "Keys with a live value stored on this node, as primary or replica.");
        Meter.CreateObservableGauge("chordkvs.store.tombstones", () => ObserveNode(node => node.Store.TombstoneCount), "{key}",
            "Deleted keys whose tombstones this node still keeps.");
        Meter.CreateObservableGauge("chordkvs.store.value_bytes", () => ObserveNode(node => node.Store.ValueBytes), "By",
            "Bytes of live values stored on this node.");
        Meter.CreateObservableGauge("chordkvs.ring.known_nodes", () => ObserveNode(KnownNodes), "{node}",
            "Distinct nodes in this node's routing state (itself, predecessor, successor list, fingers): the ring size when the ring is smaller than the successor list.");
        // Read from the node's own count, which GET /cluster reports too, so the two never disagree.
        Meter.CreateObservableCounter("chordkvs.client.forwards", () => ObserveNode(node => node.ForwardCount), "{request}",
            "Client operations this node sent on to another node that coordinates the key (retries to the next replica included).");
        Meter.CreateObservableCounter("chordkvs.ring.maintenance.failures", () => ObserveNode(node => node.Ring.MaintenanceFailures), "{round}",
            "Ring maintenance rounds (stabilize, fix fingers, check predecessor) that failed unexpectedly.");
    }

    /// <summary>The meter of every instrument; a listener selects this node's instruments by this object.</summary>
    public Meter Meter { get; }

    /// <summary>Records one client request on <c>/kv</c>.</summary>
    /// <param name="operation">The operation: <c>get</c>, <c>put</c> or <c>delete</c>.</param>
    /// <param name="status">The HTTP status code of the answer.</param>
    /// <param name="duration">How long the request took.</param>
    public void RecordClientRequest(string operation, int status, TimeSpan duration)
    {
        var tags = new TagList { { "operation", operation }, { "status", status } };
        _clientRequestDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Stops the meter when this object created it; a meter from a factory is the factory's to stop.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    internal void Attach(ChordKvsNode node) => Volatile.Write(ref _node, node);

    internal void Detach(ChordKvsNode node) => Interlocked.CompareExchange(ref _node, null, node);

    internal void LookupCompleted(int hops) => _lookupHops.Record(hops);

    internal void EntriesSent(int count) => _entriesTransferred.Add(count, new KeyValuePair<string, object?>("direction", "sent"));

    internal void EntriesReceived(int count) => _entriesTransferred.Add(count, new KeyValuePair<string, object?>("direction", "received"));

    internal void RangeOutOfSync() => _rangesOutOfSync.Add(1);

    internal void AntiEntropyPassCompleted(int replicasOutOfSync) => Volatile.Write(ref _replicasOutOfSyncLastPass, replicasOutOfSync);

    internal void ReadRepaired() => _readRepairs.Add(1);

    internal void ReplicaWriteFailed() => _replicaWriteFailures.Add(1);

    private static int KnownNodes(ChordKvsNode node)
    {
        var state = node.Ring.Routing;
        var known = new HashSet<NodeId> { state.Self.Id };
        known.UnionWith(state.Successors.Select(successor => successor.Id));
        known.UnionWith(state.Fingers.Distinct().Select(finger => finger.Id));
        if (state.Predecessor is { } predecessor)
        {
            known.Add(predecessor.Id);
        }

        return known.Count;
    }

    private IEnumerable<Measurement<T>> ObserveNode<T>(Func<ChordKvsNode, T> read)
        where T : struct
    {
        // No node attached (before the first one is built, or after it stopped): report nothing rather than zero.
        return Volatile.Read(ref _node) is { } node ? [new Measurement<T>(read(node))] : [];
    }
}
