using System.Collections.Immutable;
using ChordKvs.Core.Diagnostics;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Replication;

/// <summary>
/// The work of the node responsible for a key: versions its writes, spreads them to the replica set and
/// answers once the quorum holds them; reads the replicas, returns the newest version and repairs stale ones.
/// </summary>
/// <remarks>
/// Preconditions (<see cref="WriteConditions"/>) are checked against the coordinator's own copy. All writes of a
/// key go through its responsible node, so that copy is the newest one except right after the responsible node
/// changed (a join, a leave or a failure), before anti-entropy has caught it up.
/// </remarks>
internal sealed class ReplicaCoordinator(
    ChordNode ring,
    VersionedStore store,
    HybridLogicalClock clock,
    INodeTransport transport,
    ReplicationOptions options,
    TimeProvider time,
    ChordKvsMetrics? metrics)
{
    /// <summary>Applies a client write or delete as the key's coordinator.</summary>
    public async Task<KvResult> WriteAsync(CoordinateWriteRequest request, CancellationToken cancellationToken)
    {
        var replicas = ReplicaSet.Of(ring.Routing, options.ReplicaCount);
        var required = Math.Min(request.WriteQuorum ?? options.EffectiveWriteQuorum, replicas.Length);
        var current = store.Get(request.Key);
        var currentLive = current is { IsTombstone: false } ? current : null;
        if (!request.Conditions.IsMetBy(current))
        {
            return new KvResult(KvOutcome.PreconditionFailed, currentLive?.Version, Problem: currentLive is null
                ? $"Key '{request.Key}' has no value, so the precondition does not hold."
                : $"Key '{request.Key}' is at version {currentLive.Version.ToETag()}, so the precondition does not hold.");
        }

        if (request.Value is null && currentLive is null)
        {
            return new KvResult(KvOutcome.NotFound, Problem: $"Key '{request.Key}' has no value to delete.");
        }

        if (current is not null)
        {
            // The new version must beat the one it replaces, even if that one came from a node whose clock runs ahead.
            clock.Observe(current.Version.Timestamp);
        }

        var version = clock.NextVersion();
        var entry = request.Value is { } value
            ? StoredEntry.Live(request.Key, value, version)
            : StoredEntry.Tombstone(request.Key, version, time.GetUtcNow() + options.TombstoneGracePeriod);
        store.Apply(entry);

        var others = replicas.RemoveAt(0);
        using var deadline = ReplicaDeadline(cancellationToken, out var registration);
        using var _ = registration;
        var acknowledged = 1 + await Quorum.WaitAsync([.. others.Select(replica => WriteToReplicaAsync(replica, entry, deadline.Token))], required - 1);
        if (acknowledged < required)
        {
            return new KvResult(KvOutcome.Unavailable, version, Acknowledged: acknowledged, Required: required, Problem:
                $"Only {acknowledged} of the {required} replicas needed acknowledged the write of '{request.Key}'; it may still be on those that did. Retry later.");
        }

        var outcome = request.Value is null ? KvOutcome.Deleted : currentLive is null ? KvOutcome.Created : KvOutcome.Replaced;
        return new KvResult(outcome, version, Acknowledged: acknowledged, Required: required);
    }

    /// <summary>Reads a key this node is responsible for: its replicas are this node and its successors.</summary>
    public Task<KvResult> ReadAsync(CoordinateReadRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, ReplicaSet.Of(ring.Routing, options.ReplicaCount), cancellationToken);

    /// <summary>
    /// Reads a key as its coordinator: the newest version among R of <paramref name="replicas"/> (this node
    /// first), repairing those that lag.
    /// </summary>
    public async Task<KvResult> ReadAsync(CoordinateReadRequest request, ImmutableArray<NodeInfo> replicas, CancellationToken cancellationToken)
    {
        var required = Math.Min(request.ReadQuorum ?? options.EffectiveReadQuorum, replicas.Length);
        var answers = new StoredEntry?[replicas.Length];
        var answered = new bool[replicas.Length];
        answers[0] = store.Get(request.Key);
        answered[0] = true;

        // Ask only as many other replicas as the quorum needs, nearest first, and more only when some of those
        // fail: each read then costs R − 1 node-to-node calls instead of N − 1. Replicas not asked are brought up
        // to date by writes and anti-entropy rather than by this read's repair.
        var deadline = ReplicaDeadline(cancellationToken, out var registration);
        var reads = new List<Task<bool>>(replicas.Length - 1);
        var replied = 1;
        for (var next = 1; replied < required && next < replicas.Length;)
        {
            var round = new List<Task<bool>>(required - replied);
            for (; next < replicas.Length && round.Count < required - replied; next++)
            {
                round.Add(ReadFromReplicaAsync(replicas[next], request.Key, next, answers, answered, deadline.Token));
            }

            reads.AddRange(round);
            replied += await Quorum.WaitAsync(round, round.Count);
        }

        // The deadline lives until the last read has ended, because read repair waits for all of them.
        _ = DisposeWhenDoneAsync(reads, deadline, registration);
        if (replied < required)
        {
            return new KvResult(KvOutcome.Unavailable, Acknowledged: replied, Required: required, Problem:
                $"Only {replied} of the {required} replicas needed answered the read of '{request.Key}'. Retry later.");
        }

        var newest = Newest(answers, answered);
        _ = RepairWhenAllAnsweredAsync(replicas, reads, answers, answered);
        return newest is { IsTombstone: false }
            ? new KvResult(KvOutcome.Found, newest.Version, newest.Value, replied, required)
            : new KvResult(KvOutcome.NotFound, Acknowledged: replied, Required: required, Problem: $"Key '{request.Key}' has no value.");
    }

    /// <summary>A token that ends after <see cref="ReplicationOptions.ReplicaTimeout"/> on the node's clock, or with the caller's.</summary>
    private CancellationTokenSource ReplicaDeadline(CancellationToken callerToken, out CancellationTokenRegistration registration)
    {
        var deadline = new CancellationTokenSource(options.ReplicaTimeout, time);
        registration = callerToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        return deadline;
    }

    private static async Task DisposeWhenDoneAsync(List<Task<bool>> reads, CancellationTokenSource deadline, CancellationTokenRegistration registration)
    {
        await Task.WhenAll(reads);
        await registration.DisposeAsync();
        deadline.Dispose();
    }

    private static StoredEntry? Newest(StoredEntry?[] answers, bool[] answered)
    {
        StoredEntry? newest = null;
        for (var i = 0; i < answers.Length; i++)
        {
            if (Volatile.Read(ref answered[i]) && answers[i] is { } entry && (newest is null || entry.Version > newest.Version))
            {
                newest = entry;
            }
        }

        return newest;
    }

    /// <summary>Read repair: once every replica has answered or failed, sends the newest entry to those that lag.</summary>
    private async Task RepairWhenAllAnsweredAsync(ImmutableArray<NodeInfo> replicas, List<Task<bool>> reads, StoredEntry?[] answers, bool[] answered)
    {
        // Not tied to the client's request: the repair goes on after the client has its answer.
        using var deadline = new CancellationTokenSource(options.ReplicaTimeout, time);
        var cancellationToken = deadline.Token;
        await Task.WhenAll(reads);
        if (Newest(answers, answered) is not { } newest)
        {
            return;
        }

        for (var i = 0; i < replicas.Length; i++)
        {
            if (!answered[i] || (answers[i] is { } entry && entry.Version >= newest.Version))
            {
                continue;
            }

            metrics?.ReadRepaired();
            if (i == 0)
            {
                store.Apply(newest);
            }
            else
            {
                await WriteToReplicaAsync(replicas[i], newest, cancellationToken);
            }
        }
    }

    private async Task<bool> WriteToReplicaAsync(NodeInfo replica, StoredEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await transport.CallAsync(replica, new ReplicaWriteRequest(entry), cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is NodeUnreachableException or OperationCanceledException)
        {
            metrics?.ReplicaWriteFailed();
            return false;
        }
    }

    private async Task<bool> ReadFromReplicaAsync(NodeInfo replica, string key, int index, StoredEntry?[] answers, bool[] answered, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await transport.CallAsync(replica, new ReplicaReadRequest(key), cancellationToken);
            answers[index] = reply.Entry;
            Volatile.Write(ref answered[index], true);
            return true;
        }
        catch (Exception exception) when (exception is NodeUnreachableException or OperationCanceledException)
        {
            return false;
        }
    }
}
