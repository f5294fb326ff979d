using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using ChordKvs.Core;
using ChordKvs.Core.Diagnostics;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Runs the <see cref="ChordKvsNode"/>s of an ASP.NET Core host: once the server listens, it creates a new ring or
/// joins an existing one (retrying with backoff until it succeeds or the host stops); when the host stops, the
/// nodes leave the ring gracefully while the server can still answer their neighbours.
/// </summary>
/// <remarks>
/// Registered by <c>AddChordKvs</c>. The host is one physical node running
/// <see cref="ChordKvsNodeOptions.VirtualNodes"/> ring members (one by default), all at the advertised address;
/// member 0's identifier is <see cref="NodeId.ForNode"/>(address), and each later member's is chosen when it joins
/// (<see cref="VirtualNodePlacement"/>). The members are built only once the server has bound its port, because
/// their identifiers derive from the advertised address, which with port 0 is not known before. The first member
/// creates the ring or joins through the join URL; the others join through it.
/// </remarks>
public sealed class ChordKvsNodeService : IHostedLifecycleService, IDisposable
{
    private readonly ChordKvsNodeOptions options;
    private readonly INodeTransport transport;
    private readonly LocalNodeRegistry registry;
    private readonly IServer server;
    private readonly BootstrapResolver bootstrapResolver;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ChordKvsMetrics metrics;
    private readonly TaskCompletionSource joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private Random? random;
    private ImmutableList<ChordKvsNode> members = [];
    private Task joinLoop = Task.CompletedTask;
    private volatile bool leaving;

    /// <summary>Creates the service; the host calls this.</summary>
    public ChordKvsNodeService(
        IOptions<ChordKvsNodeOptions> options,
        INodeTransport transport,
        LocalNodeRegistry registry,
        IServer server,
        IHttpClientFactory clientFactory,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IHostApplicationLifetime lifetime,
        ChordKvsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        this.options = options.Value;
        this.transport = transport;
        this.registry = registry;
        this.server = server;
        bootstrapResolver = new BootstrapResolver(clientFactory, this.options.ClientToken);
        this.time = time;
        this.loggerFactory = loggerFactory;
        logger = loggerFactory.CreateLogger<ChordKvsNodeService>();
        this.lifetime = lifetime;
        this.metrics = metrics;
    }

    /// <summary>The first member's identifier and the advertised address; null until the server has started.</summary>
    public NodeInfo? Self { get; private set; }

    /// <summary>The first member, once built: it may still be joining (see <see cref="Joined"/>); null before and between join attempts.</summary>
    public ChordKvsNode? Node => Volatile.Read(ref members) is { Count: > 0 } current ? current[0] : null;

    /// <summary>
    /// The ring members (virtual nodes) this host runs, in the order they were built; a member may still be joining.
    /// </summary>
    public IReadOnlyList<ChordKvsNode> Members => Volatile.Read(ref members);

    /// <summary>Completes when every member is in the ring; cancelled when the host stops first, faulted when it cannot ever join.</summary>
    public Task Joined => joined.Task;

    /// <summary>Finds a member that can serve clients: every member has joined and the host is not leaving.</summary>
    /// <param name="member">The node.</param>
    /// <param name="reason">When it cannot serve, why, as a sentence for the client.</param>
    public bool TryGetMember([NotNullWhen(true)] out ChordKvsNode? member, [NotNullWhen(false)] out string? reason)
    {
        member = Node;
        if (leaving)
        {
            reason = "This node is leaving the ring; send the request to another node.";
        }
        else if (member is null || !joined.Task.IsCompletedSuccessfully)
        {
            reason = options.JoinUrl is null
                ? "This node is starting and has not created its ring yet; retry shortly."
                : $"This node has not joined the ring through {options.JoinUrl} yet; retry shortly or send the request to another node.";
        }
        else
        {
            reason = null;
            return true;
        }

        member = null;
        return false;
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Builds the members once the server listens, then creates a ring or starts joining one in the background.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var address = ResolveAdvertisedAddress();
        var self = NodeInfo.FromAddress(address);
        var seed = options.RandomSeed ?? Random.Shared.Next();
        random = new Random(seed);
        Self = self;
        Log.NodeStarting(logger, self, seed);
        LengthenSuccessorListForVirtualNodes();
        if (options.JoinUrl is not { Length: > 0 } joinUrl)
        {
            var created = Publish(NewNode(self));
            created.Create();
            Log.RingCreated(logger, self);
            if (options.VirtualNodes == 1)
            {
                joined.TrySetResult();
                return Task.CompletedTask;
            }

            joinLoop = JoinMembersAsync(self, 1, null, stopping.Token);
            return Task.CompletedTask;
        }

        NodeAddress.TryNormalizeBaseUrl(joinUrl, out var normalizedJoinUrl, out _);
        joinLoop = JoinMembersAsync(self, 0, normalizedJoinUrl, stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops joining and leaves the ring gracefully, within <see cref="ChordKvsNodeOptions.LeaveTimeout"/>.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        leaving = true;
        await stopping.CancelAsync();
        await joinLoop;
        if (Members is not { Count: > 0 } current || !joined.Task.IsCompletedSuccessfully)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.LeaveTimeout);

        // One member at a time, the last built first: each hands its range to its successor, which may be another
        // member of this host that leaves after it and passes the range on, never to a member already gone.
        foreach (var member in current.Reverse())
        {
            Log.Leaving(logger, member.Self);
            try
            {
                await member.LeaveAsync(timeout.Token);
                Log.Left(logger, member.Self);
            }
            catch (Exception ex) when (ex is OperationCanceledException or NodeUnreachableException or LookupFailedException or InvalidOperationException)
            {
                Log.LeaveFailed(logger, ex, member.Self);
            }
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        joined.TrySetCanceled(CancellationToken.None);
        RetireAll();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the members at once if the host did not, and releases the service's resources.</summary>
    public void Dispose()
    {
        RetireAll();
        stopping.Dispose();
    }

    /// <summary>
    /// Joins the members from <paramref name="first"/> on, in order: the first member (<paramref name="self"/>)
    /// through the join URL, every later one through the first member, which this host already runs, at the place
    /// <see cref="PlaceMemberAsync"/> chooses. Completes <see cref="Joined"/> once all are in.
    /// </summary>
    private async Task JoinMembersAsync(NodeInfo self, int first, string? joinUrl, CancellationToken cancellationToken)
    {
        for (var index = first; index < options.VirtualNodes; index++)
        {
            bool joinedRing;
            if (index == 0)
            {
                joinedRing = await JoinLoopAsync(self, token => bootstrapResolver.ResolveAsync(joinUrl!, token), joinUrl!, cancellationToken);
            }
            else
            {
                var member = await PlaceMemberAsync(self.Address, index, cancellationToken);
                joinedRing = member is not null && await JoinLoopAsync(member, _ => Task.FromResult(self), self.Address, cancellationToken);
            }

            if (!joinedRing)
            {
                return;
            }
        }

        joined.TrySetResult();
    }

    /// <summary>
    /// Member <paramref name="index"/>'s identity: the candidate of <see cref="VirtualNodePlacement"/> that falls in
    /// the longest arc of the ring, which the first member looks up. A candidate whose lookup fails counts as an
    /// arc of unknown length; null when the host stops first.
    /// </summary>
    private async Task<NodeInfo?> PlaceMemberAsync(string address, int index, CancellationToken cancellationToken)
    {
        var candidates = VirtualNodePlacement.CandidatesFor(address, index);
        var arcs = new Dictionary<NodeId, ulong>();
        var first = Members[0].Ring;
        foreach (var candidate in candidates)
        {
            try
            {
                var (predecessor, successor) = await first.FindArcAsync(candidate, cancellationToken);
                if (predecessor is not null)
                {
                    arcs[candidate] = VirtualNodePlacement.ArcLength(predecessor.Id, successor.Id);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                joined.TrySetCanceled(cancellationToken);
                return null;
            }
            catch (Exception ex) when (ex is LookupFailedException or NodeUnreachableException or OperationCanceledException)
            {
                Log.PlacementLookupFailed(logger, candidate, ex.Message);
            }
        }

        var chosen = VirtualNodePlacement.Choose(candidates, candidate => arcs.GetValueOrDefault(candidate));
        Log.MemberPlaced(logger, index, chosen, candidates.Count);
        return new NodeInfo(chosen, address);
    }

    /// <summary>Joins one member, retrying with backoff; false when the host stopped first or joining is impossible.</summary>
    private async Task<bool> JoinLoopAsync(NodeInfo self, Func<CancellationToken, Task<NodeInfo>> resolveBootstrap, string joinUrl, CancellationToken cancellationToken)
    {
        var delay = options.JoinRetryInitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            ChordKvsNode? candidate = null;
            string reason;
            try
            {
                var bootstrap = await resolveBootstrap(cancellationToken);
                if (bootstrap.Id == self.Id)
                {
                    GiveUpJoining(self, $"the join URL {joinUrl} leads to this node itself; start the first node without a join URL and give the others its address");
                    return false;
                }

                // A node with another cluster secret must not keep knocking: its every call is refused, so it stops.
                try
                {
                    await transport.CallAsync(bootstrap, new PingRequest(), cancellationToken);
                }
                catch (NodeUnreachableException ex) when (ex.InnerException is ClusterSecretRejectedException)
                {
                    GiveUpJoining(self, $"the node at {joinUrl} refused this node's cluster secret ({ex.Message}); give every node of the ring the same cluster secret (--secret)");
                    return false;
                }

                // Registered before joining: the ring contacts a joining node (notify, ping) before the join returns.
                candidate = Publish(NewNode(self));
                await candidate.JoinAsync(bootstrap, cancellationToken);
                Log.Joined(logger, self, bootstrap, attempt);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Unpublish(candidate);
                joined.TrySetCanceled(cancellationToken);
                return false;
            }
            catch (Exception ex)
            {
                // Any failure may be transient (the bootstrap is restarting, the ring is reshaping): retry all of them.
                Unpublish(candidate);
                reason = ex.Message;
            }

            // Full jitter keeps nodes started together from retrying in lockstep.
            var wait = TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (random!.NextDouble() / 2))));
            Log.JoinFailed(logger, self, joinUrl, attempt, reason, (long)wait.TotalMilliseconds);
            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                joined.TrySetCanceled(cancellationToken);
                return false;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.JoinRetryMaxDelay.Ticks));
        }
    }

    /// <summary>A join that can never succeed: logged as critical, <see cref="Joined"/> faults, and the host stops (exit code 1).</summary>
    private void GiveUpJoining(NodeInfo self, string reason)
    {
        Log.JoinImpossible(logger, self, reason);
        joined.TrySetException(new InvalidOperationException(reason));
        lifetime.StopApplication();
    }

    private ChordKvsNode NewNode(NodeInfo self) =>
        new(self, transport, options.Node, time, new Random(random!.Next()), loggerFactory, metrics);

    /// <summary>
    /// With K virtual nodes per host, a successor list of (N − 1)·K entries always names N − 1 other hosts, so
    /// that every key gets its N replicas on distinct physical nodes (<see cref="ChordKvs.Core.Replication.ReplicaSet"/>).
    /// </summary>
    private void LengthenSuccessorListForVirtualNodes()
    {
        var ring = options.Node.Ring;
        var needed = (options.Node.Replication.ReplicaCount - 1) * options.VirtualNodes;
        if (options.VirtualNodes > 1 && ring.SuccessorListLength < needed)
        {
            Log.SuccessorListLengthened(logger, ring.SuccessorListLength, needed, options.VirtualNodes);
            ring.SuccessorListLength = needed;
        }
    }

    private ChordKvsNode Publish(ChordKvsNode created)
    {
        registry.Register(created.Self.Id, created);
        ImmutableInterlocked.Update(ref members, static (list, added) => list.Add(added), created);
        return created;
    }

    private void Unpublish(ChordKvsNode? candidate)
    {
        if (candidate is not null && ImmutableInterlocked.Update(ref members, static (list, removed) => list.Remove(removed), candidate))
        {
            Retire(candidate);
        }
    }

    private void RetireAll()
    {
        foreach (var member in Interlocked.Exchange(ref members, []))
        {
            Retire(member);
        }
    }

    private void Retire(ChordKvsNode retired)
    {
        registry.Unregister(retired.Self.Id);
        retired.Dispose();
    }

    private string ResolveAdvertisedAddress()
    {
        if (options.AdvertisedAddress is { Length: > 0 } advertised)
        {
            return NodeAddress.TryNormalizeBaseUrl(advertised, out var url, out var error)
                ? url
                : throw new InvalidOperationException($"{nameof(ChordKvsNodeOptions.AdvertisedAddress)}: {error}");
        }

        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(address => address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"The server reports no address it listens on; set {nameof(ChordKvsNodeOptions.ListenAddress)} or {nameof(ChordKvsNodeOptions.AdvertisedAddress)}.");
        if (!NodeAddress.TryNormalizeBaseUrl(bound, out var boundUrl, out _)
            || new Uri(boundUrl).Host is "0.0.0.0" or "[::]" or "+" or "*")
        {
            throw new InvalidOperationException(
                $"The node listens on every interface ({bound}), which is no address another node can use; set {nameof(ChordKvsNodeOptions.AdvertisedAddress)} (--advertise) to the URL other machines reach this one at.");
        }

        return boundUrl;
    }
}
