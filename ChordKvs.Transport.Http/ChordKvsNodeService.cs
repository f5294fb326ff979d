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
/// Runs the <see cref="ChordKvsNode"/> of an ASP.NET Core host: once the server listens, it creates a new ring or
/// joins an existing one (retrying with backoff until it succeeds or the host stops); when the host stops, the
/// node leaves the ring gracefully while the server can still answer its neighbours.
/// </summary>
/// <remarks>
/// Registered by <c>AddChordKvs</c>. The node is built only once the server has bound its port, because the
/// node's identifier is derived from its advertised address, which with port 0 is not known before.
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
    private ChordKvsNode? node;
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

    /// <summary>This node's identifier and advertised address; null until the server has started.</summary>
    public NodeInfo? Self { get; private set; }

    /// <summary>The node, once built: it may still be joining (see <see cref="Joined"/>); null before and between join attempts.</summary>
    public ChordKvsNode? Node => Volatile.Read(ref node);

    /// <summary>Completes when the node is a ring member; cancelled when the host stops first, faulted when it cannot ever join.</summary>
    public Task Joined => joined.Task;

    /// <summary>Finds the node when it can serve clients: a ring member that is not leaving.</summary>
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

    /// <summary>Builds the node once the server listens, then creates a ring or starts joining one in the background.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var self = NodeInfo.FromAddress(ResolveAdvertisedAddress());
        var seed = options.RandomSeed ?? Random.Shared.Next();
        random = new Random(seed);
        Self = self;
        Log.NodeStarting(logger, self, seed);
        if (options.JoinUrl is not { Length: > 0 } joinUrl)
        {
            var created = Publish(NewNode(self));
            created.Create();
            joined.TrySetResult();
            Log.RingCreated(logger, self);
            return Task.CompletedTask;
        }

        NodeAddress.TryNormalizeBaseUrl(joinUrl, out var normalizedJoinUrl, out _);
        joinLoop = JoinLoopAsync(self, normalizedJoinUrl!, stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops joining and leaves the ring gracefully, within <see cref="ChordKvsNodeOptions.LeaveTimeout"/>.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        leaving = true;
        await stopping.CancelAsync();
        await joinLoop;
        if (Node is not { } current || !joined.Task.IsCompletedSuccessfully)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.LeaveTimeout);
        Log.Leaving(logger, current.Self);
        try
        {
            await current.LeaveAsync(timeout.Token);
            Log.Left(logger, current.Self);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NodeUnreachableException or LookupFailedException or InvalidOperationException)
        {
            Log.LeaveFailed(logger, ex, current.Self);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        joined.TrySetCanceled(CancellationToken.None);
        Retire(Interlocked.Exchange(ref node, null));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the node at once if the host did not, and releases the service's resources.</summary>
    public void Dispose()
    {
        Retire(Interlocked.Exchange(ref node, null));
        stopping.Dispose();
    }

    private async Task JoinLoopAsync(NodeInfo self, string joinUrl, CancellationToken cancellationToken)
    {
        var delay = options.JoinRetryInitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            ChordKvsNode? candidate = null;
            string reason;
            try
            {
                var bootstrap = await bootstrapResolver.ResolveAsync(joinUrl, cancellationToken);
                if (bootstrap.Id == self.Id)
                {
                    GiveUpJoining(self, $"the join URL {joinUrl} leads to this node itself; start the first node without a join URL and give the others its address");
                    return;
                }

                // A node with another cluster secret must not keep knocking: its every call is refused, so it stops.
                try
                {
                    await transport.CallAsync(bootstrap, new PingRequest(), cancellationToken);
                }
                catch (NodeUnreachableException ex) when (ex.InnerException is ClusterSecretRejectedException)
                {
                    GiveUpJoining(self, $"the node at {joinUrl} refused this node's cluster secret ({ex.Message}); give every node of the ring the same cluster secret (--secret)");
                    return;
                }

                // Registered before joining: the ring contacts a joining node (notify, ping) before the join returns.
                candidate = Publish(NewNode(self));
                await candidate.JoinAsync(bootstrap, cancellationToken);
                joined.TrySetResult();
                Log.Joined(logger, self, bootstrap, attempt);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Unpublish(candidate);
                joined.TrySetCanceled(cancellationToken);
                return;
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
                return;
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

    private ChordKvsNode Publish(ChordKvsNode created)
    {
        registry.Register(created.Self.Id, created);
        Volatile.Write(ref node, created);
        return created;
    }

    private void Unpublish(ChordKvsNode? candidate)
    {
        if (candidate is not null && Interlocked.CompareExchange(ref node, null, candidate) == candidate)
        {
            Retire(candidate);
        }
    }

    private void Retire(ChordKvsNode? retired)
    {
        if (retired is null)
        {
            return;
        }

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
