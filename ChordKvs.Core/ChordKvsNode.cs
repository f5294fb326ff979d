using System.Collections.Immutable;
using ChordKvs.Core.Diagnostics;
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
public sealed partial class ChordKvsNode : INodeRequestHandler, IDisposable
{
    private static readonly TimeSpan SoonAfterRoutingChange = TimeSpan.FromMilliseconds(50);

    private readonly INodeTransport _transport;
    private readonly ChordKvsOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly KeyValidator _keys;
    private readonly JsonValueValidator _values;
    private readonly HybridLogicalClock _clock;
    private readonly ReplicaCoordinator _coordinator;
    private readonly RangeReplicator _replicator;
    private readonly ChordKvsMetrics? _metrics;
    private readonly StrayEntryHandOff _strays;
    private readonly PeerFailureDetector _failures;
    private readonly KnownPeers _knownPeers = new(64);
    private DateTimeOffset _lastPeerProbe;
    private MaintenanceTimer? _antiEntropy;
    private long _clientRequests;
    private long _forwards;

    /// <summary>Client operations this node sent on to another coordinator since it started.</summary>
    internal long ForwardCount => Interlocked.Read(ref _forwards);

    /// <summary>Creates a node that is not yet in a ring; call <see cref="Create"/> or <see cref="JoinAsync"/>.</summary>
    /// <param name="self">This node's identifier and address.</param>
    /// <param name="transport">How this node reaches others.</param>
    /// <param name="options">Ring, replication and limit settings; validated here.</param>
    /// <param name="time">The clock for maintenance, versions and tombstone expiry.</param>
    /// <param name="random">The seeded source of every random choice.</param>
    /// <param name="loggerFactory">Where the node logs; nothing is logged when null.</param>
    /// <param name="metrics">Where the node records its metrics; nothing is recorded when null.</param>
    public ChordKvsNode(NodeInfo self, INodeTransport transport, ChordKvsOptions options, TimeProvider time, Random random, ILoggerFactory? loggerFactory = null, ChordKvsMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _logger = loggerFactory?.CreateLogger<ChordKvsNode>() ?? (ILogger)NullLogger.Instance;
        Ring = new ChordNode(self, transport, options.Ring, time, new Random(random.Next()), loggerFactory?.CreateLogger<ChordNode>());
        Store = new VersionedStore();
        _keys = new KeyValidator(options.Limits);
        _values = new JsonValueValidator(options.Limits);
        _clock = new HybridLogicalClock(time, self.Id);
        _failures = new PeerFailureDetector(time, options.Replication.SuspicionPeriod);
        _coordinator = new ReplicaCoordinator(Ring, options.Ring.SuccessorListLength, Store, _clock, transport, options.Replication, time, _failures, metrics);
        _replicator = new RangeReplicator(Ring, Store, transport, options.Replication, time, metrics);
        _strays = new StrayEntryHandOff(Ring, options.Ring.SuccessorListLength, Store, transport, options.Replication, metrics);
        _metrics = metrics;
        metrics?.Attach(this);
        Ring.RoutingChanged += (_, change) =>
        {
            lock (_knownPeers)
            {
                _knownPeers.Remember(change.After);
            }

            _antiEntropy?.RunSoon(SoonAfterRoutingChange);
        };
    }

    /// <summary>This node's identifier and address.</summary>
    public NodeInfo Self => Ring.Self;

    /// <summary>The ring membership and routing of this node.</summary>
    public ChordNode Ring { get; }

    /// <summary>The entries this node holds, as primary or replica.</summary>
    public VersionedStore Store { get; }

    /// <summary>Starts a new ring with this node alone in it.</summary>
    public void Create()
    {
        Ring.Create();
        StartAntiEntropy();
    }

    /// <summary>
    /// Joins the ring through <paramref name="bootstrap"/>. The node's range arrives from its successor before the
    /// node announces itself to its predecessor (or, when the successor named no predecessor, as soon as one is
    /// known), and the keys it replicates for its predecessors in their next anti-entropy passes.
    /// </summary>
    public async Task JoinAsync(NodeInfo bootstrap, CancellationToken cancellationToken = default)
    {
        await Ring.JoinAsync(bootstrap, _replicator.TakeOverAsync, cancellationToken);
        StartAntiEntropy();
    }

    /// <summary>Hands this node's keys to its successor, then leaves the ring gracefully.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        _antiEntropy?.Dispose();
        try
        {
            await _replicator.HandOverAsync(cancellationToken);
        }
        catch (NodeUnreachableException exception)
        {
            LogHandOverFailed(Self, exception.Message);
        }

        await Ring.LeaveAsync(cancellationToken);
    }

    /// <summary>Reads a key, consulting <paramref name="readQuorum"/> replicas (default: the configured R) and returning the newest version.</summary>
    public Task<KvResult> GetAsync(string key, int? readQuorum = null, CancellationToken cancellationToken = default)
    {
        var invalid = CheckKey(key) ?? CheckQuorum(readQuorum, "read");
        return invalid is not null
            ? Task.FromResult(invalid)
            : RouteAsync(key, new CoordinateReadRequest(key, readQuorum), cancellationToken);
    }

    /// <summary>Writes a JSON value (validated here), acknowledged once <paramref name="writeQuorum"/> replicas hold it (default: the configured W).</summary>
    /// <param name="key">The key.</param>
    /// <param name="utf8Json">The value.</param>
    /// <param name="conditions">The write's preconditions.</param>
    /// <param name="writeQuorum">W for this write, or null for the configured default.</param>
    /// <param name="timeToLive">
    /// How long the value lives, from now on this node's clock, up to <c>Limits.MaxTimeToLive</c>; null for ever.
    /// The value then reads as absent on every replica.
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task<KvResult> PutAsync(string key, ReadOnlyMemory<byte> utf8Json, WriteConditions conditions = default, int? writeQuorum = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        var invalid = CheckKey(key) ?? CheckValue(utf8Json.Span) ?? CheckQuorum(writeQuorum, "write") ?? CheckTimeToLive(timeToLive);
        return invalid is not null
            ? Task.FromResult(invalid)
            : RouteAsync(key, new CoordinateWriteRequest(key, utf8Json.ToArray(), conditions, writeQuorum, _time.GetUtcNow() + timeToLive), cancellationToken);
    }

    /// <summary>Deletes a key by writing a tombstone, acknowledged once <paramref name="writeQuorum"/> replicas hold it.</summary>
    public Task<KvResult> DeleteAsync(string key, WriteConditions conditions = default, int? writeQuorum = null, CancellationToken cancellationToken = default)
    {
        var invalid = CheckKey(key) ?? CheckQuorum(writeQuorum, "write");
        return invalid is not null
            ? Task.FromResult(invalid)
            : RouteAsync(key, new CoordinateWriteRequest(key, null, conditions, writeQuorum), cancellationToken);
    }

    /// <summary>This node's own view: neighbours, fingers and key counts.</summary>
    public NodeStatus Describe()
    {
        var state = Ring.Routing;
        return new NodeStatus(Self, Ring.Status, state.Predecessor, state.Successors, [.. state.Fingers.Distinct()], Store.LiveCount, Store.TombstoneCount, Store.ValueBytes)
        {
            ClientRequests = Interlocked.Read(ref _clientRequests),
            Forwards = ForwardCount,
        };
    }

    /// <summary>Every node found by walking successor pointers from this one, each describing itself.</summary>
    public async Task<IReadOnlyList<NodeStatus>> DescribeRingAsync(CancellationToken cancellationToken = default)
    {
        var found = new List<NodeStatus> { Describe() };
        var seen = new HashSet<NodeId> { Self.Id };
        var next = found[0].Successors;
        while (found.Count < 100_000)
        {
            NodeStatus? status = null;
            foreach (var candidate in next)
            {
                if (!seen.Add(candidate.Id))
                {
                    // Back at a node already described: the walk has gone round the ring.
                    return found;
                }

                try
                {
                    status = (await _transport.CallAsync(candidate, new DescribeNodeRequest(), cancellationToken)).Status;
                    break;
                }
                catch (NodeUnreachableException)
                {
                    // Skip the dead node and try the next one on the list.
                }
            }

            if (status is null)
            {
                return found;
            }

            found.Add(status);
            next = status.Successors;
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request)
        {
            case CoordinateReadRequest read:
                return new ClientResultReply(await _coordinator.ReadAsync(read, cancellationToken));
            case CoordinateWriteRequest write:
                return new ClientResultReply(await _coordinator.WriteAsync(write, cancellationToken));
            case ReplicaWriteRequest replicate:
                _clock.Observe(replicate.Entry.Version.Timestamp);
                Store.Apply(replicate.Entry);
                return AckReply.Instance;
            case ReplicaReadRequest read:
                return new ReplicaReadReply(Store.Get(read.Key));
            case RangeDigestRequest digest:
                return new RangeDigestReply(Store.DigestRange(digest.FromExclusive, digest.ToInclusive));
            case RangeFetchRequest fetch:
                return _replicator.Fetch(fetch);
            case RangePushRequest push:
                _replicator.Accept(push.Entries);
                return AckReply.Instance;
            case DescribeNodeRequest:
                return new NodeStatusReply(Describe());
            default:
                return await Ring.HandleAsync(request, cancellationToken);
        }
    }

    /// <summary>Stops all background work at once, as a crash would.</summary>
    public void Dispose()
    {
        _antiEntropy?.Dispose();
        Ring.Dispose();
        _metrics?.Detach(this);
    }

    private async Task<KvResult> RouteAsync(string key, NodeRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _clientRequests);
        LookupResult lookup;
        ImmutableArray<NodeInfo>? otherReplicas;
        try
        {
            var keyId = NodeId.ForKey(key);
            if (_coordinator.Placement.TryPlace(keyId, out var known, out otherReplicas))
            {
                lookup = new LookupResult(keyId, known, 0, 0);
            }
            else
            {
                lookup = await Ring.FindSuccessorAsync(keyId, cancellationToken);
                otherReplicas = ReplicaSet.WithSelfFirst(Self, lookup.Successors, _options.Replication.ReplicaCount)?.RemoveAt(0);
            }
        }
        catch (LookupTimeoutException exception)
        {
            return new KvResult(KvOutcome.LookupTimedOut, Problem: $"The node responsible for '{key}' could not be found in time: {exception.Message}");
        }
        catch (LookupFailedException exception)
        {
            return new KvResult(KvOutcome.Unavailable, Problem: $"The node responsible for '{key}' could not be reached: {exception.Message}");
        }

        _metrics?.LookupCompleted(lookup.Hops);

        // A read may be coordinated by any replica of the key, so a node that holds one answers it without the
        // forward to the responsible node (writes still go there, where preconditions are checked and versions made).
        if (request is CoordinateReadRequest read && otherReplicas is { } others)
        {
            return await _coordinator.ReadAsync(read, others, cancellationToken);
        }

        // The responsible node coordinates; if it does not answer, or is suspected of being down, the next node
        // (its first replica, and its successor once the ring has noticed) takes over. Nodes on a physical node
        // (address) that did not answer are passed over: its other virtual nodes went down with it, and the first
        // replica lives elsewhere.
        var tried = 0;
        HashSet<string>? silent = null;
        var askedAgain = false;
        var (candidates, order, next) = (lookup.Successors, _failures.OrderBySuspicion(lookup.Successors), 0);
        while (true)
        {
            var coordinator = next < order.Length ? candidates[order[next++]] : null;

            // Before passing the responsible node by (suspected, or it did not answer), ask the node listed before it
            // once: the lookup's last hop may not list yet a node that joined just before the dead one, the key's
            // real successor, while the node before it already points to it.
            if (!askedAgain && coordinator?.Id != lookup.Successor.Id)
            {
                askedAgain = true;
                if (await AskListedPredecessorAsync(lookup, cancellationToken) is { } again && again.Successor.Id != lookup.Successor.Id)
                {
                    (candidates, order, next) = (again.Successors, _failures.OrderBySuspicion(again.Successors), 0);
                    continue;
                }
            }

            if (coordinator is null)
            {
                break;
            }

            if (silent?.Contains(coordinator.Address) == true)
            {
                continue;
            }

            if (tried++ == 2)
            {
                break;
            }

            if (coordinator.Id == Self.Id)
            {
                return await CoordinateLocallyAsync(request, cancellationToken);
            }

            try
            {
                Interlocked.Increment(ref _forwards);
                var forwarded = Forwarded(request, isReplica: otherReplicas is not null);
                var reply = await _transport.CallAsync(coordinator, forwarded, cancellationToken);
                _failures.ReportSuccess(coordinator);
                StoreOwnCopy(forwarded, reply.Result);
                return reply.Result;
            }
            catch (NodeUnreachableException exception)
            {
                _failures.ReportFailure(coordinator);
                LogCoordinatorUnreachable(Self, coordinator, exception.Message);
                (silent ??= new HashSet<string>(StringComparer.Ordinal)).Add(coordinator.Address);
            }
        }

        return new KvResult(KvOutcome.Unavailable, Problem: $"The nodes responsible for '{key}' did not answer. Retry later.");
    }

    /// <summary>
    /// What this node sends the coordinator for a client operation. A replica that forwards a new value stores it itself
    /// from the coordinator's answer (<see cref="CoordinateWriteRequest.StoredBySender"/>), which spares the coordinator the
    /// replica write back to it (a third of a 3-node cluster's node-to-node calls for writes). Deletes are not stored
    /// this way: a tombstone's purge time comes from the coordinator's clock.
    /// </summary>
    private NodeRequest<ClientResultReply> Forwarded(NodeRequest request, bool isReplica) => request switch
    {
        CoordinateWriteRequest { Value: not null } write when isReplica => write with { StoredBySender = Self.Id },
        _ => (NodeRequest<ClientResultReply>)request,
    };

    /// <summary>Stores this node's copy of a write it forwarded with <see cref="CoordinateWriteRequest.StoredBySender"/>, once the coordinator has versioned it.</summary>
    private void StoreOwnCopy(NodeRequest request, KvResult result)
    {
        if (request is CoordinateWriteRequest { StoredBySender: not null, Value: { } value } write
            && result is { Outcome: KvOutcome.Created or KvOutcome.Replaced, Version: { } version })
        {
            _clock.Observe(version.Timestamp);
            Store.Apply(StoredEntry.Live(write.Key, value, version, write.ExpiresAt));
        }
    }

    private async Task<LookupResult?> AskListedPredecessorAsync(LookupResult lookup, CancellationToken cancellationToken)
    {
        try
        {
            return await Ring.AskListedPredecessorAsync(lookup, cancellationToken);
        }
        catch (NodeUnreachableException)
        {
            // Then the lookup's own list is all there is.
            return null;
        }
    }

    private ValueTask<KvResult> CoordinateLocallyAsync(NodeRequest request, CancellationToken cancellationToken) => request switch
    {
        CoordinateReadRequest read => _coordinator.ReadAsync(read, cancellationToken),
        CoordinateWriteRequest write => new(_coordinator.WriteAsync(write, cancellationToken)),
        _ => throw new ArgumentException($"{request.GetType().Name} is not a client operation.", nameof(request)),
    };

    private KvResult? CheckKey(string key)
    {
        var result = _keys.Validate(key);
        return result.IsValid ? null : new KvResult(result.Failure == ValidationFailure.TooLarge ? KvOutcome.TooLarge : KvOutcome.Invalid, Problem: result.Message);
    }

    private KvResult? CheckValue(ReadOnlySpan<byte> utf8Json)
    {
        var result = _values.Validate(utf8Json);
        return result.IsValid ? null : new KvResult(result.Failure == ValidationFailure.TooLarge ? KvOutcome.TooLarge : KvOutcome.Invalid, Problem: result.Message);
    }

    private KvResult? CheckTimeToLive(TimeSpan? timeToLive) =>
        timeToLive is { } ttl && (ttl <= TimeSpan.Zero || ttl > _options.Limits.MaxTimeToLive)
            ? new KvResult(KvOutcome.Invalid, Problem: $"The time to live must be positive and at most {_options.Limits.MaxTimeToLive}; {ttl} was asked for.")
            : null;

    private KvResult? CheckQuorum(int? quorum, string kind)
    {
        var replicas = _options.Replication.ReplicaCount;
        return quorum is { } q && (q < 1 || q > replicas)
            ? new KvResult(KvOutcome.Invalid, Problem: $"The {kind} quorum must be between 1 and the replica count {replicas}; {q} was asked for.")
            : null;
    }

    private void StartAntiEntropy()
    {
        var period = _options.Replication.AntiEntropyInterval;
        _antiEntropy = new MaintenanceTimer(_time, AntiEntropyPassAsync, () => MaintenanceTimer.Jittered(period, 0.5, _random), OnAntiEntropyFailure);
    }

    private async Task AntiEntropyPassAsync(CancellationToken cancellationToken)
    {
        await _replicator.SynchronizeAsync(cancellationToken);
        await _strays.HandOffAsync(cancellationToken);
        await ProbeKnownPeerAsync(cancellationToken);
    }

    /// <summary>
    /// At most twice per anti-entropy interval, looks up this node's successor through a node it once had as a
    /// neighbour but no longer does, which merges the rings a healed partition left behind.
    /// </summary>
    private async Task ProbeKnownPeerAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now - _lastPeerProbe < _options.Replication.AntiEntropyInterval / 2)
        {
            return;
        }

        _lastPeerProbe = now;
        NodeInfo? peer;
        lock (_knownPeers)
        {
            peer = _knownPeers.PickOutside(Ring.Routing, _random);
        }

        if (peer is not null)
        {
            await Ring.VerifySuccessorThroughAsync(peer, cancellationToken);
        }
    }

    private void OnAntiEntropyFailure(Exception exception)
    {
        if (exception is not NodeUnreachableException)
        {
            LogAntiEntropyFailed(exception, Self);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} could not hand its keys over before leaving: {Reason}")]
    private partial void LogHandOverFailed(NodeInfo node, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: coordinator {Coordinator} did not answer: {Reason}")]
    private partial void LogCoordinatorUnreachable(NodeInfo node, NodeInfo coordinator, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node}: an anti-entropy pass failed unexpectedly")]
    private partial void LogAntiEntropyFailed(Exception exception, NodeInfo node);
}
