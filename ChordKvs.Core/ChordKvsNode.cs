using System.Globalization;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChordKvs.Core;

/// <summary>
/// A ChordKvs node: a <see cref="ChordNode"/> for the ring, a <see cref="VersionedStore"/> for the keys it holds,
/// and the replication that keeps each key on N nodes. Any node serves any key: it looks up the responsible node
/// and forwards the operation there; the responsible node coordinates the replicas.
/// </summary>
/// <remarks>
/// <para>
/// A client operation is checked here before anything is sent — the key (<see cref="KeyValidator"/>), the JSON
/// value (<see cref="JsonValueValidator"/>) and the quorum (1 to N) — so bad input never reaches another node and
/// never disturbs stored data. The key's responsible node is then looked up and the operation forwarded to it in
/// one hop (none when this node is responsible); if it does not answer, the next node after it is tried once, since
/// that node takes the range over when the ring notices a failure. The responsible node coordinates the replicas
/// (see <c>ReplicaCoordinator</c>: preconditions are checked against the coordinator's own copy).
/// </para>
/// <para>
/// Keys move with membership: a joining node takes its ranges from its successor, a leaving node hands its keys
/// to its successor before it leaves, and each node re-replicates its own range whenever its predecessor or replica
/// successors change and periodically (anti-entropy by range digests). All background work runs on timers of the
/// injected <see cref="TimeProvider"/> and draws randomness from the injected <see cref="Random"/>, so the node runs
/// deterministically on the simulated network.
/// </para>
/// </remarks>
public sealed partial class ChordKvsNode : IRingMember
{
    /// <summary>The most nodes <see cref="DescribeRingAsync"/> visits before it stops.</summary>
    public const int RingWalkLimit = 4096;

    private readonly INodeTransport _transport;
    private readonly ChordKvsOptions _options;
    private readonly KeyValidator _keys;
    private readonly JsonValueValidator _values;
    private readonly LocalReplica _local;
    private readonly ReplicaCoordinator _coordinator;
    private readonly RangeHandoff _handoff;
    private readonly AntiEntropy _antiEntropy;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ILogger _logger;
    private long _replicationFailures;
    private int _stopped;

    /// <summary>Creates a node that is not yet in a ring; call <see cref="Create"/> or <see cref="JoinAsync"/>.</summary>
    /// <param name="self">This node's identifier and address.</param>
    /// <param name="transport">How this node reaches others.</param>
    /// <param name="options">Ring, replication and limit settings; validated here.</param>
    /// <param name="time">The clock for maintenance, versions and tombstone expiry.</param>
    /// <param name="random">The seeded source of every random choice.</param>
    /// <param name="loggerFactory">Where the node logs; nothing is logged when null.</param>
    public ChordKvsNode(NodeInfo self, INodeTransport transport, ChordKvsOptions options, TimeProvider time, Random random, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        Self = self;
        _transport = transport;
        _options = options;
        _logger = loggerFactory.CreateLogger<ChordKvsNode>();
        _keys = new KeyValidator(options.Limits);
        _values = new JsonValueValidator(options.Limits);

        // Each part gets its own generator drawn from the one given, so their draws do not interleave.
        Ring = new ChordNode(self, transport, options.Ring, time, new Random(random.Next()), loggerFactory.CreateLogger<ChordNode>());
        Store = new VersionedStore();
        _local = new LocalReplica(Store, new HybridLogicalClock(time, self.Id));
        var sync = new RangeSync(_local, transport, options.Replication);
        _coordinator = new ReplicaCoordinator(Ring, _local, transport, options.Replication, time, OnReplicationFailure, _lifetime.Token);
        _handoff = new RangeHandoff(self, Ring, sync, loggerFactory.CreateLogger<RangeHandoff>());
        _antiEntropy = new AntiEntropy(self, Ring, _local, sync, transport, options.Replication, time, new Random(random.Next()), OnReplicationFailure, loggerFactory.CreateLogger<AntiEntropy>());
    }

    /// <summary>This node's identifier and address.</summary>
    public NodeInfo Self { get; }

    /// <summary>The ring membership and routing of this node.</summary>
    public ChordNode Ring { get; }

    /// <summary>The entries this node holds, as primary or replica.</summary>
    public VersionedStore Store { get; }

    /// <summary>
    /// How many replication calls or background passes failed with an unexpected exception rather than an unreachable
    /// node: a bug. Zero in a healthy node; tests assert it.
    /// </summary>
    public long ReplicationFailures => Interlocked.Read(ref _replicationFailures);

    /// <summary>Starts a new ring with this node alone in it.</summary>
    public void Create()
    {
        Ring.Create();
        _antiEntropy.Start();
    }

    /// <summary>Joins the ring through <paramref name="bootstrap"/> and takes over this node's range from its successor.</summary>
    /// <remarks>
    /// The node takes from its successor everything in (successor, self]: its own new range and the ranges of its
    /// predecessors that it now replicates. It serves requests from the moment the ring join returns; until the
    /// transfer ends, quorum reads still find every key on the other replicas.
    /// </remarks>
    /// <exception cref="LookupFailedException">The ring could not be reached through <paramref name="bootstrap"/>.</exception>
    /// <exception cref="NodeUnreachableException">The successor found did not answer.</exception>
    public async Task JoinAsync(NodeInfo bootstrap, CancellationToken cancellationToken = default)
    {
        await Ring.JoinAsync(bootstrap, cancellationToken);
        _antiEntropy.Start();
        await _handoff.TakeOverAsync(cancellationToken);
        _antiEntropy.RunSoon();
    }

    /// <summary>Hands this node's keys to its successor, then leaves the ring gracefully.</summary>
    /// <remarks>
    /// The successor receives everything this node holds in (successor, self]; it replicates all of it once this node
    /// is gone. Writes that reach this node after the hand-off live on in their other replicas.
    /// </remarks>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        if (Ring.Status != ChordNodeStatus.Member)
        {
            return;
        }

        _antiEntropy.Dispose();
        var heir = await _handoff.HandOverAsync(cancellationToken);
        if (heir is null && !Ring.Routing.IsAlone)
        {
            LogNoHeir(Self);
        }

        await Ring.LeaveAsync(cancellationToken);
        Stop();
    }

    /// <summary>Reads a key, consulting <paramref name="readQuorum"/> replicas (default: the configured R) and returning the newest version.</summary>
    public async Task<KvResult> GetAsync(string key, int? readQuorum = null, CancellationToken cancellationToken = default)
    {
        var r = readQuorum ?? _options.Replication.EffectiveReadQuorum;
        if ((CheckKey(key) ?? CheckQuorum(r, "read quorum r")) is { } rejected)
        {
            return rejected;
        }

        return await RouteAsync(
            key,
            () => _coordinator.ReadAsync(key, r, cancellationToken),
            new CoordinateReadRequest(key, r),
            cancellationToken);
    }

    /// <summary>Writes a JSON value (validated here), acknowledged once <paramref name="writeQuorum"/> replicas hold it (default: the configured W).</summary>
    public async Task<KvResult> PutAsync(string key, ReadOnlyMemory<byte> utf8Json, WriteConditions conditions = default, int? writeQuorum = null, CancellationToken cancellationToken = default)
    {
        var w = writeQuorum ?? _options.Replication.EffectiveWriteQuorum;
        if ((CheckKey(key) ?? CheckValue(utf8Json.Span) ?? CheckQuorum(w, "write quorum w")) is { } rejected)
        {
            return rejected;
        }

        // The store keeps the bytes it is given, so the caller's buffer is copied once here.
        var value = utf8Json.ToArray();
        return await RouteAsync(
            key,
            () => _coordinator.WriteAsync(key, value, conditions, w, cancellationToken),
            new CoordinatePutRequest(key, value, conditions, w),
            cancellationToken);
    }

    /// <summary>Deletes a key by writing a tombstone, acknowledged once <paramref name="writeQuorum"/> replicas hold it.</summary>
    public async Task<KvResult> DeleteAsync(string key, WriteConditions conditions = default, int? writeQuorum = null, CancellationToken cancellationToken = default)
    {
        var w = writeQuorum ?? _options.Replication.EffectiveWriteQuorum;
        if ((CheckKey(key) ?? CheckQuorum(w, "write quorum w")) is { } rejected)
        {
            return rejected;
        }

        return await RouteAsync(
            key,
            () => _coordinator.WriteAsync(key, null, conditions, w, cancellationToken),
            new CoordinateDeleteRequest(key, conditions, w),
            cancellationToken);
    }

    /// <summary>This node's own view: neighbours, fingers and key counts.</summary>
    public NodeStatus Describe()
    {
        var state = Ring.Routing;
        return new NodeStatus(Self, Ring.Status, state.Predecessor, state.Successors, [.. state.Fingers.Distinct()], Store.LiveCount, Store.TombstoneCount, Store.ValueBytes);
    }

    /// <summary>Every node found by walking successor pointers from this one, each describing itself.</summary>
    /// <remarks>
    /// The walk asks each node for its status and moves on to the first node of its successor list that answers, so
    /// dead nodes are skipped. It stops when it comes back to this node (or to any node already visited), when no
    /// successor answers, or after <see cref="RingWalkLimit"/> nodes.
    /// </remarks>
    public async Task<IReadOnlyList<NodeStatus>> DescribeRingAsync(CancellationToken cancellationToken = default)
    {
        var current = Describe();
        var found = new List<NodeStatus> { current };
        var seen = new HashSet<NodeId> { Self.Id };
        while (found.Count < RingWalkLimit)
        {
            NodeStatus? next = null;
            foreach (var candidate in current.Successors)
            {
                if (seen.Contains(candidate.Id))
                {
                    return found;
                }

                try
                {
                    next = (await _transport.CallAsync(candidate, new DescribeNodeRequest(), cancellationToken)).Status;
                    break;
                }
                catch (NodeUnreachableException)
                {
                    // Dead or unreachable: the walk goes on with the next node of the list.
                }
            }

            if (next is null || !seen.Add(next.Node.Id))
            {
                return found;
            }

            found.Add(next);
            current = next;
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request switch
        {
            CoordinateReadRequest read => new ClientResultReply(
                CheckQuorum(read.ReadQuorum, "read quorum r") ?? await _coordinator.ReadAsync(read.Key, read.ReadQuorum, cancellationToken)),
            CoordinatePutRequest put => new ClientResultReply(
                CheckQuorum(put.WriteQuorum, "write quorum w") ?? await _coordinator.WriteAsync(put.Key, put.Value, put.Conditions, put.WriteQuorum, cancellationToken)),
            CoordinateDeleteRequest delete => new ClientResultReply(
                CheckQuorum(delete.WriteQuorum, "write quorum w") ?? await _coordinator.WriteAsync(delete.Key, null, delete.Conditions, delete.WriteQuorum, cancellationToken)),
            ReplicaWriteRequest write => Merged(write.Entry),
            ReplicaReadRequest read => new ReplicaReadReply(Store.Get(read.Key)),
            RangeDigestRequest digest => new RangeDigestReply(_local.Digests(new RingArc(digest.FromExclusive, digest.ToInclusive), digest.Segments)),
            RangeFetchRequest fetch => _local.Page(fetch),
            RangePushRequest push => MergedAll(push),
            DescribeNodeRequest => new NodeStatusReply(Describe()),
            _ => await Ring.HandleAsync(request, cancellationToken),
        };
    }

    /// <summary>Stops all background work at once, as a crash would.</summary>
    public void Dispose()
    {
        _antiEntropy.Dispose();
        Ring.Dispose();
        Stop();
    }

    /// <summary>
    /// Looks up the node responsible for <paramref name="key"/> and lets it coordinate the operation: here through
    /// <paramref name="coordinateHere"/>, elsewhere by sending <paramref name="forward"/>.
    /// </summary>
    private async Task<KvResult> RouteAsync(string key, Func<Task<KvResult>> coordinateHere, NodeRequest<ClientResultReply> forward, CancellationToken cancellationToken)
    {
        if (Ring.Status != ChordNodeStatus.Member)
        {
            return new KvResult(KvOutcome.Unavailable, Problem: Invariant($"Node {Self.Address} is not a ring member (it is {Ring.Status}); send the request to another node."));
        }

        LookupResult lookup;
        try
        {
            lookup = await Ring.FindSuccessorAsync(NodeId.ForKey(key), cancellationToken);
        }
        catch (LookupTimeoutException exception)
        {
            return new KvResult(KvOutcome.LookupTimedOut, Problem: Invariant($"The node responsible for key '{key}' was not found in time: {exception.Message} Retry shortly."));
        }
        catch (LookupFailedException exception)
        {
            return new KvResult(KvOutcome.Unavailable, Problem: Invariant($"The node responsible for key '{key}' could not be found: {exception.Message} Retry shortly; the ring repairs itself after failures."));
        }

        // The responsible node, and once more the node after it: when the responsible node has just failed, its
        // successor is the node that takes its range over.
        NodeUnreachableException? failure = null;
        foreach (var target in lookup.Successors.Take(2))
        {
            if (target.Id == Self.Id)
            {
                return await coordinateHere();
            }

            try
            {
                return (await _transport.CallAsync(target, forward, cancellationToken)).Result;
            }
            catch (NodeUnreachableException exception)
            {
                LogForwardFailed(Self, target, exception.Message);
                failure = exception;
            }
        }

        return new KvResult(KvOutcome.Unavailable, Problem: Invariant($"The node responsible for key '{key}' ({lookup.Successor.Address}) did not answer, nor did the node after it: {failure?.Message} Retry shortly; the ring repairs itself after a failure."));
    }

    private KvResult? CheckKey(string key)
    {
        var verdict = _keys.Validate(key);
        return verdict.IsValid
            ? null
            : new KvResult(verdict.Failure == ValidationFailure.TooLarge ? KvOutcome.TooLarge : KvOutcome.Invalid, Problem: verdict.Message);
    }

    private KvResult? CheckValue(ReadOnlySpan<byte> utf8Json)
    {
        var verdict = _values.Validate(utf8Json);
        return verdict.IsValid
            ? null
            : new KvResult(verdict.Failure == ValidationFailure.TooLarge ? KvOutcome.TooLarge : KvOutcome.Invalid, Problem: verdict.Message);
    }

    private KvResult? CheckQuorum(int quorum, string name)
    {
        var replicas = _options.Replication.ReplicaCount;
        return quorum >= 1 && quorum <= replicas
            ? null
            : new KvResult(KvOutcome.Invalid, Problem: Invariant($"The {name} is {quorum}; it must be between 1 and the replica count {replicas}."));
    }

    private AckReply Merged(StoredEntry entry)
    {
        _local.Merge(entry);
        return AckReply.Instance;
    }

    private AckReply MergedAll(RangePushRequest push)
    {
        _local.MergeAll(push.Entries);
        return AckReply.Instance;
    }

    private void OnReplicationFailure(Exception exception)
    {
        Interlocked.Increment(ref _replicationFailures);
        LogReplicationFailed(exception, Self);
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _lifetime.Cancel();
            _lifetime.Dispose();
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: forwarding to {Target} failed: {Reason}")]
    private partial void LogForwardFailed(NodeInfo node, NodeInfo target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is leaving without handing its keys over: no successor answered")]
    private partial void LogNoHeir(NodeInfo node);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node}: replication failed unexpectedly")]
    private partial void LogReplicationFailed(Exception exception, NodeInfo node);
}
