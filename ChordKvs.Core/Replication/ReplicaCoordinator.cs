using System.Collections.Immutable;
using System.Globalization;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Replication;

/// <summary>
/// The responsible node's side of a client operation: it reads from and writes to the key's replicas — itself and
/// the next N − 1 distinct nodes of its successor list — and answers once the quorum has answered.
/// </summary>
/// <remarks>
/// <para>
/// <b>Replica set and quorums.</b> The replicas are those this node sees now. On a ring with fewer than N nodes
/// there are fewer replicas and a quorum counts over those that exist (the effective quorum is the smaller of the
/// quorum asked for and the replica count), so a single node alone accepts writes.
/// </para>
/// <para>
/// <b>Writes.</b> Preconditions (<see cref="WriteConditions"/>) are checked against this coordinator's own copy, and
/// the check and the local write are atomic here (one lock per key stripe). They are not checked against the other
/// replicas: a coordinator whose copy is stale (it has just taken over the range, or it missed a write coordinated
/// elsewhere during a membership change) judges by what it holds. The new version comes from this node's hybrid
/// logical clock after observing the current one, so it is newer than anything the coordinator has seen for the
/// key. The entry is applied locally, sent to the other replicas in parallel, and acknowledged as soon as W
/// replicas (this one included) hold it. When fewer do, the client hears <see cref="KvOutcome.Unavailable"/>, but
/// the write is not undone: it stays on the replicas that took it and may still become visible, and anti-entropy
/// spreads it to the others — like any write whose acknowledgement was lost.
/// </para>
/// <para>
/// <b>Reads.</b> This node's own copy counts as one answer; the other replicas are asked in parallel and the first
/// R − 1 answers are taken. The newest version among them wins; replicas that answered with an older version (this
/// one included) are repaired in the background, and a failed repair is ignored — anti-entropy catches up.
/// </para>
/// </remarks>
internal sealed class ReplicaCoordinator
{
    // Stripes the precondition check and local write by key, so two writes of one key cannot both pass a
    // create-only check; writes of different keys rarely wait on each other.
    private const int LockStripes = 64;

    private readonly ChordNode _ring;
    private readonly LocalReplica _local;
    private readonly INodeTransport _transport;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<Exception> _onUnexpected;
    private readonly CancellationToken _lifetime;
    private readonly Lock[] _writeLocks;

    /// <param name="ring">Whose successor list names the replicas.</param>
    /// <param name="local">This node's copy.</param>
    /// <param name="transport">How the other replicas are reached.</param>
    /// <param name="options">Replica count and tombstone grace period.</param>
    /// <param name="time">The clock for tombstone purge times.</param>
    /// <param name="onUnexpected">Hears of failures that are bugs rather than unreachable nodes.</param>
    /// <param name="lifetime">
    /// Cancelled when the node stops. Replica writes run under it rather than under the client's token, so a client
    /// that gives up after its quorum answered does not stop the write from reaching the remaining replicas.
    /// </param>
    public ReplicaCoordinator(ChordNode ring, LocalReplica local, INodeTransport transport, ReplicationOptions options, TimeProvider time, Action<Exception> onUnexpected, CancellationToken lifetime)
    {
        _ring = ring;
        _local = local;
        _transport = transport;
        _options = options;
        _time = time;
        _onUnexpected = onUnexpected;
        _lifetime = lifetime;
        _writeLocks = new Lock[LockStripes];
        for (var i = 0; i < LockStripes; i++)
        {
            _writeLocks[i] = new Lock();
        }
    }

    /// <summary>The replicas of this node's range as its routing state names them now, itself first.</summary>
    public ImmutableArray<NodeInfo> CurrentReplicas() => ReplicaSet.Of(_ring.Routing, _options.ReplicaCount);

    /// <summary>Reads <paramref name="key"/> from <paramref name="readQuorum"/> replicas and returns the newest version.</summary>
    public async Task<KvResult> ReadAsync(string key, int readQuorum, CancellationToken cancellationToken)
    {
        var replicas = CurrentReplicas();
        var required = Math.Min(readQuorum, replicas.Length);
        var own = _local.Store.Get(key);
        var answers = await QuorumCall.FirstAsync(
            replicas[1..],
            async peer => (await _transport.CallAsync(peer, new ReplicaReadRequest(key), cancellationToken)).Entry,
            required - 1,
            _onUnexpected,
            cancellationToken);
        var acknowledged = 1 + answers.Count;
        if (acknowledged < required)
        {
            return new KvResult(
                KvOutcome.Unavailable,
                Acknowledged: acknowledged,
                Required: required,
                Problem: Invariant($"Only {acknowledged} of the {required} replicas the read quorum needs answered for key '{key}'. Retry later, or read with a smaller r."));
        }

        var newest = own;
        foreach (var (_, entry) in answers)
        {
            if (entry is not null && (newest is null || entry.Version > newest.Version))
            {
                newest = entry;
            }
        }

        if (newest is not null)
        {
            Repair(newest, own, answers);
        }

        return newest is null or { IsTombstone: true }
            ? new KvResult(KvOutcome.NotFound, Acknowledged: acknowledged, Required: required, Problem: Invariant($"The key '{key}' has no value."))
            : new KvResult(KvOutcome.Found, newest.Version, newest.Value, acknowledged, required);
    }

    /// <summary>
    /// Writes <paramref name="value"/> to <paramref name="key"/>, or deletes it when <paramref name="value"/> is null,
    /// once <paramref name="conditions"/> hold for this node's copy; acknowledged when <paramref name="writeQuorum"/>
    /// replicas hold it.
    /// </summary>
    public async Task<KvResult> WriteAsync(string key, byte[]? value, WriteConditions conditions, int writeQuorum, CancellationToken cancellationToken)
    {
        var replicas = CurrentReplicas();
        var required = Math.Min(writeQuorum, replicas.Length);
        StoredEntry entry;
        KvOutcome outcome;
        lock (_writeLocks[(int)(NodeId.ForKey(key).Value % LockStripes)])
        {
            var current = _local.Store.Get(key);
            var live = current is { IsTombstone: false } ? current : null;
            if (!conditions.IsMetBy(current))
            {
                return new KvResult(KvOutcome.PreconditionFailed, live?.Version, Required: required, Problem: DescribeFailedCondition(key, conditions, live));
            }

            if (value is null && live is null)
            {
                return new KvResult(KvOutcome.NotFound, Required: required, Problem: Invariant($"The key '{key}' has no value to delete."));
            }

            if (current is not null)
            {
                // The new version must beat the one it replaces even if that came from a node whose clock runs ahead.
                _local.Clock.Observe(current.Version.Timestamp);
            }

            var version = _local.Clock.NextVersion();
            entry = value is null
                ? StoredEntry.Tombstone(key, version, _time.GetUtcNow() + _options.TombstoneGracePeriod)
                : StoredEntry.Live(key, value, version);
            _local.Store.Apply(entry);
            outcome = value is null ? KvOutcome.Deleted : live is null ? KvOutcome.Created : KvOutcome.Replaced;
        }

        var acks = await QuorumCall.FirstAsync(
            replicas[1..],
            peer => _transport.CallAsync(peer, new ReplicaWriteRequest(entry), _lifetime),
            required - 1,
            _onUnexpected,
            cancellationToken);
        var acknowledged = 1 + acks.Count;
        if (acknowledged < required)
        {
            return new KvResult(
                KvOutcome.Unavailable,
                entry.Version,
                Acknowledged: acknowledged,
                Required: required,
                Problem: Invariant($"Only {acknowledged} of the {required} replicas the write quorum needs took the write of key '{key}'. It was not undone: it stays on the replicas that took it and may still become visible. Retry later, or write with a smaller w."));
        }

        return new KvResult(outcome, entry.Version, Acknowledged: acknowledged, Required: required);
    }

    // Read repair: every replica that answered with an older version gets the newest; fire-and-forget, since the
    // client already has its answer and anti-entropy repairs whatever this misses.
    private void Repair(StoredEntry newest, StoredEntry? own, IReadOnlyList<(NodeInfo Peer, StoredEntry? Entry)> answers)
    {
        if (own is null || own.Version < newest.Version)
        {
            _local.Merge(newest);
        }

        foreach (var (peer, entry) in answers)
        {
            if (entry is null || entry.Version < newest.Version)
            {
                _ = RepairAsync(peer, newest);
            }
        }
    }

    private async Task RepairAsync(NodeInfo peer, StoredEntry newest)
    {
        try
        {
            await _transport.CallAsync(peer, new ReplicaWriteRequest(newest), _lifetime);
        }
        catch (Exception exception) when (exception is NodeUnreachableException or OperationCanceledException)
        {
            // Ignored: anti-entropy repairs the replica later.
        }
#pragma warning disable CA1031 // A failed repair must not surface anywhere; a bug is reported and counted.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _onUnexpected(exception);
        }
    }

    private static string DescribeFailedCondition(string key, WriteConditions conditions, StoredEntry? live)
    {
        if (conditions.IfAbsent && live is not null)
        {
            return Invariant($"The key '{key}' already has a value (version {live.Version.ToETag()}); the write was to create it only (If-None-Match: *).");
        }

        if (conditions.IfExists && live is null)
        {
            return Invariant($"The key '{key}' has no value; the write was to replace an existing value only (If-Match: *).");
        }

        return live is null
            ? Invariant($"The key '{key}' has no value, but the write expected version {conditions.IfMatch?.ToETag()} (If-Match).")
            : Invariant($"The key '{key}' is at version {live.Version.ToETag()}, not at the expected {conditions.IfMatch?.ToETag()} (If-Match); read it again and retry.");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
