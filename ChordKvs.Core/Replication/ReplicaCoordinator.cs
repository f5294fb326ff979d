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
/// <para>
/// Writes use a sloppy quorum: the write goes to the first N − 1 successors that the node does not suspect of
/// being down (<see cref="PeerFailureDetector"/>), and if fewer than W − 1 of them acknowledge, to the next
/// successors in turn, as long as the successor list and <see cref="ReplicationOptions.ReplicaTimeout"/> last. A
/// stand-in that took the write for a replica that was down holds it outside its own replicas' ranges until
/// <see cref="StrayEntryHandOff"/> moves it to the key's replicas once they answer again; meanwhile the
/// coordinator's anti-entropy pass copies it to the replica directly. Reads fall back in the same way.
/// </para>
/// <para>
/// Preconditions (<see cref="WriteConditions"/>), and whether a delete finds a value, are checked against the
/// newest version among R replicas, which the coordinator first merges into its own copy: its copy alone lags
/// right after the responsible node changed (a join, a leave, a failure or a restart). The check and the local
/// write are atomic on this node; across two coordinators that both believe they own the key during a membership
/// change they are not, and both may accept a conditional write.
/// </para>
/// </remarks>
internal sealed class ReplicaCoordinator(
    ChordNode ring,
    int successorListLength,
    VersionedStore store,
    HybridLogicalClock clock,
    INodeTransport transport,
    ReplicationOptions options,
    TimeProvider time,
    PeerFailureDetector failures,
    ChordKvsMetrics? metrics)
{
    // Stripes the precondition check and the local write by key, so that two writes of one key racing on two
    // threads cannot both pass a create-only check; writes of different keys rarely wait on each other.
    private const int WriteLockStripes = 64;
    private readonly Lock[] _writeLocks = [.. Enumerable.Range(0, WriteLockStripes).Select(_ => new Lock())];
    private ReplicaPlacement? _placement;

    /// <summary>The placement of the ring's current routing snapshot, worked out again only when routing has changed.</summary>
    public ReplicaPlacement Placement
    {
        get
        {
            // A race between two threads builds one placement twice, and either copy is right.
            var last = Volatile.Read(ref _placement);
            var placement = ReplicaPlacement.For(ring.Routing, last, options.ReplicaCount, successorListLength);
            if (!ReferenceEquals(placement, last))
            {
                Volatile.Write(ref _placement, placement);
            }

            return placement;
        }
    }

    /// <summary>Applies a client write or delete as the key's coordinator.</summary>
    public async Task<KvResult> WriteAsync(CoordinateWriteRequest request, CancellationToken cancellationToken)
    {
        var placement = Placement;
        var replicas = placement.Replicas;
        var required = Math.Min(request.WriteQuorum ?? options.EffectiveWriteQuorum, replicas.Length);
        if (request.Conditions != WriteConditions.None || request.Value is null)
        {
            // A precondition, and a delete's "is there a value to delete", are judged on the newest version among R
            // replicas, not on this node's copy alone, which lags right after it took over the key's range.
            var (newest, _) = await ReadReplicasAsync(placement.Candidates, request.Key, Math.Min(options.EffectiveReadQuorum, replicas.Length), replicas.Length, cancellationToken);
            if (newest is not null)
            {
                store.Apply(newest);
            }
        }

        StoredEntry? currentLive;
        StoredEntry entry;
        lock (_writeLocks[(int)(NodeId.ForKey(request.Key).Value % WriteLockStripes)])
        {
            var current = store.Get(request.Key)?.AsOf(time.GetUtcNow(), options.TombstoneGracePeriod);
            currentLive = current is { IsTombstone: false } ? current : null;
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

            var stamped = clock.NextVersion();
            entry = request.Value is { } value
                ? StoredEntry.Live(request.Key, value, stamped, request.ExpiresAt)
                : StoredEntry.Tombstone(request.Key, stamped, time.GetUtcNow() + options.TombstoneGracePeriod);
            store.Apply(entry);
        }

        var version = entry.Version;
        var (candidates, others, holders) = (placement.Candidates, replicas.Length - 1, 1);
        if (request is { StoredBySender: { } sender, Value: not null } && sender != ring.Self.Id && replicas.Any(replica => replica.Id == sender))
        {
            // The replica that forwarded the write stores it from this answer before its client hears of it: it holds the
            // write by the time the write is acknowledged, so it counts, and gets no replica write.
            (candidates, others, holders) = (candidates.RemoveAll(node => node.Id == sender), others - 1, 2);
        }

        var acknowledged = holders + (others == 0 ? 0 : await ReplicateAsync(candidates, others, Math.Max(required - holders, 0), entry, cancellationToken));
        if (acknowledged < required)
        {
            return new KvResult(KvOutcome.Unavailable, version, Acknowledged: acknowledged, Required: required, Problem:
                $"Only {acknowledged} of the {required} replicas needed acknowledged the write of '{request.Key}'; it may still be on those that did. Retry later.");
        }

        var outcome = request.Value is null ? KvOutcome.Deleted : currentLive is null ? KvOutcome.Created : KvOutcome.Replaced;
        return new KvResult(outcome, version, Acknowledged: acknowledged, Required: required);
    }

    /// <summary>Reads a key as its coordinator: the newest version among R replicas, repairing those that lag.</summary>
    public ValueTask<KvResult> ReadAsync(CoordinateReadRequest request, CancellationToken cancellationToken)
    {
        var placement = Placement;
        return ReadAsync(request, placement.Replicas.Length, placement.Candidates, cancellationToken);
    }

    /// <summary>Sends <paramref name="entry"/> to <paramref name="wanted"/> other replicas; returns how many of the <paramref name="needed"/> acknowledged.</summary>
    private async Task<int> ReplicateAsync(ImmutableArray<NodeInfo> candidates, int wanted, int needed, StoredEntry entry, CancellationToken cancellationToken)
    {
        using var deadline = ReplicaDeadline(cancellationToken, out var registration);
        using var _ = registration;
        return await AskLiveSuccessorsAsync(candidates, wanted, new QuorumRound(needed), (replica, _, round) => WriteToReplicaAsync(replica, entry, round, deadline.Token), deadline.Token);
    }

    /// <summary>
    /// Reads a key as one of its replicas: <paramref name="otherReplicas"/> are the key's replicas other than this node,
    /// nearest first. Any replica may coordinate a read, which saves the forward to the responsible node; writes still
    /// go there.
    /// </summary>
    public ValueTask<KvResult> ReadAsync(CoordinateReadRequest request, ImmutableArray<NodeInfo> otherReplicas, CancellationToken cancellationToken) =>
        ReadAsync(request, otherReplicas.Length + 1, otherReplicas, cancellationToken);

    private async ValueTask<KvResult> ReadAsync(CoordinateReadRequest request, int replicaCount, ImmutableArray<NodeInfo> candidates, CancellationToken cancellationToken)
    {
        var required = Math.Min(request.ReadQuorum ?? options.EffectiveReadQuorum, replicaCount);
        var (newest, replied) = await ReadReplicasAsync(candidates, request.Key, required, replicaCount, cancellationToken);
        if (replied < required)
        {
            return new KvResult(KvOutcome.Unavailable, Acknowledged: replied, Required: required, Problem:
                $"Only {replied} of the {required} replicas needed answered the read of '{request.Key}'. Retry later.");
        }

        return newest is { IsTombstone: false }
            ? new KvResult(KvOutcome.Found, newest.Version, newest.Value, replied, required)
            : new KvResult(KvOutcome.NotFound, Acknowledged: replied, Required: required, Problem: $"Key '{request.Key}' has no value.");
    }

    /// <summary>
    /// Asks this node's copy and <paramref name="required"/> − 1 others of <paramref name="candidates"/> (the other
    /// replicas, nearest first, then their stand-ins) for their entry of <paramref name="key"/>, and more only when
    /// some stay silent: a read costs R − 1 node-to-node calls, not N − 1. Returns the newest entry among the answers
    /// and how many answered. Once every replica asked has answered, those that answered with an older version are
    /// repaired in the background; replicas not asked are brought up to date by writes and anti-entropy.
    /// </summary>
    private async ValueTask<(StoredEntry? Newest, int Replied)> ReadReplicasAsync(ImmutableArray<NodeInfo> candidates, string key, int required, int replicaCount, CancellationToken cancellationToken)
    {
        if (required <= 1)
        {
            // Only this node's copy is asked for (a ring of one replica, or ?r=1): no call, so no deadline to keep and
            // nothing to repair.
            return (store.Get(key)?.AsOf(time.GetUtcNow(), options.TombstoneGracePeriod), 1);
        }

        var answers = new StoredEntry?[candidates.Length + 1];
        var answered = new bool[candidates.Length + 1];
        answers[0] = store.Get(key);
        answered[0] = true;

        var deadline = ReplicaDeadline(cancellationToken, out var registration);
        var reads = new QuorumRound(required - 1);
        var replied = 1 + await AskLiveSuccessorsAsync(candidates, required - 1, reads, (replica, index, round) =>
            ReadFromReplicaAsync(replica, key, index + 1, answers, answered, round, deadline.Token), deadline.Token);

        // The deadline lives until the last read has ended, because read repair waits for all of them.
        _ = RepairWhenAllAnsweredAsync(candidates, replicaCount, reads, answers, answered, repair: replied >= required, deadline, registration);

        return (Newest(answers, answered)?.AsOf(time.GetUtcNow(), options.TombstoneGracePeriod), replied);
    }

    /// <summary>
    /// Asks the first <paramref name="wanted"/> of <paramref name="candidates"/> not suspected of being down (suspected ones only when
    /// nobody else is left); whenever fewer than the round needs have succeeded and a quarter of
    /// <see cref="ReplicationOptions.ReplicaTimeout"/> has passed without an answer, or all asked have failed, asks
    /// the next successor as well (a hedged request: a dead node is noticed only by its silence, and waiting for its
    /// whole timeout would leave no time for a stand-in). Stops once enough have succeeded, the successors run out,
    /// or the deadline passes; returns how many succeeded, at most as many as the round needs. Asks not waited for
    /// go on in the background. Each attempt that <paramref name="ask"/> starts reports its end to <paramref name="round"/>,
    /// which counts them; the task it returns is not watched.
    /// </summary>
    private async Task<int> AskLiveSuccessorsAsync(ImmutableArray<NodeInfo> candidates, int wanted, QuorumRound round, Func<NodeInfo, int, QuorumRound, Task> ask, CancellationToken deadline)
    {
        var needed = round.Needed;
        var order = failures.OrderBySuspicion(candidates);
        var next = 0;
        for (; next < wanted && next < order.Length; next++)
        {
            round.Started();
            _ = ask(candidates[order[next]], order[next], round);
        }

        while (true)
        {
            if (round.Succeeded >= needed)
            {
                return needed;
            }

            if (next == order.Length || deadline.IsCancellationRequested)
            {
                // The deadline ends the attempts still running, so the round settles by then.
                await round.WhenSettledOrWokenAsync();
                return Math.Min(round.Succeeded, needed);
            }

            // A timer disposed once the round settles, not a Task.Delay: almost every call is answered long before the
            // hedge is due, and a delay left to fire would keep one timer per call in flight alive (and walked by the
            // timer queue) for a quarter of the timeout. Disposing runs no callback, in the simulation too.
            using (time.CreateTimer(static state => ((QuorumRound)state!).Wake(), round, options.ReplicaTimeout / 4, Timeout.InfiniteTimeSpan))
            {
                await round.WhenSettledOrWokenAsync();
            }

            if (round.Succeeded >= needed)
            {
                return needed;
            }

            // Settled without enough successes (every one asked has finished), or silent for a quarter of the timeout.
            round.Started();
            _ = ask(candidates[order[next]], order[next], round);
            next++;
        }
    }

    /// <summary>A token that ends after <see cref="ReplicationOptions.ReplicaTimeout"/> on the node's clock, or with the caller's.</summary>
    private CancellationTokenSource ReplicaDeadline(CancellationToken callerToken, out CancellationTokenRegistration registration)
    {
        var deadline = new CancellationTokenSource(options.ReplicaTimeout, time);
        registration = callerToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        return deadline;
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

    /// <summary>
    /// Once every replica asked has answered or failed, ends the reads' deadline and, when <paramref name="repair"/>
    /// holds, sends the newest entry to the replicas that lag (read repair). <paramref name="others"/> are the
    /// replicas after this node, whose answers are at index 1 on.
    /// </summary>
    private async Task RepairWhenAllAnsweredAsync(ImmutableArray<NodeInfo> others, int replicaCount, QuorumRound reads, StoredEntry?[] answers, bool[] answered, bool repair, CancellationTokenSource readDeadline, CancellationTokenRegistration registration)
    {
        await reads.WhenAllFinishedAsync();
        await registration.DisposeAsync();
        readDeadline.Dispose();
        if (!repair || Newest(answers, answered) is not { } newest)
        {
            return;
        }

        // Not tied to the client's request: the repair goes on after the client has its answer. Created only when a
        // replica lags, which is rare: a timer per read for nothing would cost every read.
        CancellationTokenSource? deadline = null;
        try
        {
            // Only the key's replicas are repaired; a stand-in that answered for a replica that is down gets no copy.
            for (var i = 0; i < replicaCount; i++)
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
                    deadline ??= new CancellationTokenSource(options.ReplicaTimeout, time);
                    await WriteToReplicaAsync(others[i - 1], newest, round: null, deadline.Token);
                }
            }
        }
        finally
        {
            deadline?.Dispose();
        }
    }

    /// <summary>Writes <paramref name="entry"/> to one replica and reports to <paramref name="round"/>, when there is one, how that went.</summary>
    private async Task WriteToReplicaAsync(NodeInfo replica, StoredEntry entry, QuorumRound? round, CancellationToken cancellationToken)
    {
        var succeeded = false;
        try
        {
            await transport.CallAsync(replica, new ReplicaWriteRequest(entry), cancellationToken);
            failures.ReportSuccess(replica);
            succeeded = true;
        }
        catch (Exception exception) when (exception is NodeUnreachableException or OperationCanceledException)
        {
            metrics?.ReplicaWriteFailed();
            failures.ReportFailure(replica);
        }
        finally
        {
            round?.Finished(succeeded);
        }
    }

    /// <summary>Reads one replica's entry into <paramref name="answers"/> and reports to <paramref name="round"/> how that went.</summary>
    private async Task ReadFromReplicaAsync(NodeInfo replica, string key, int index, StoredEntry?[] answers, bool[] answered, QuorumRound round, CancellationToken cancellationToken)
    {
        var succeeded = false;
        try
        {
            var reply = await transport.CallAsync(replica, new ReplicaReadRequest(key), cancellationToken);
            answers[index] = reply.Entry;
            Volatile.Write(ref answered[index], true);
            failures.ReportSuccess(replica);
            succeeded = true;
        }
        catch (Exception exception) when (exception is NodeUnreachableException or OperationCanceledException)
        {
            failures.ReportFailure(replica);
        }
        finally
        {
            round.Finished(succeeded);
        }
    }
}
