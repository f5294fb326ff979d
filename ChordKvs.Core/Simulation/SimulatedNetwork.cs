using System.Globalization;
using System.Runtime.InteropServices;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// An in-memory network of simulated nodes on a <see cref="SimulationScheduler"/>: messages take a random
/// latency, may be lost, do not reach crashed nodes and do not cross partitions. All randomness comes from
/// the injected <see cref="Random"/>, so the same seed gives the same run and the same <see cref="TraceHash"/>.
/// </summary>
/// <remarks>
/// <para>
/// A request sent through <see cref="CreateTransport"/> draws its latency (uniform in
/// [<see cref="SimulatedNetworkOptions.MinLatency"/>, <see cref="SimulatedNetworkOptions.MaxLatency"/>]) and then
/// whether it is lost. When it arrives, it is dropped if it was lost, the target is not up, the sender has
/// crashed since sending, or a partition separates them; otherwise the target's handler runs, and when its
/// task completes the reply travels back the same way (the target must still be the incarnation that handled
/// it, the sender the incarnation that is waiting). A node that sends to itself goes through the network too.
/// </para>
/// <para>
/// The sender's task completes with the reply, or fails with <see cref="NodeUnreachableException"/> when
/// <see cref="SimulatedNetworkOptions.RequestTimeout"/> (counted from sending) passes first, or with
/// <see cref="OperationCanceledException"/> when its token is cancelled first. A handler that throws is a bug,
/// not a network condition: the sender's task fails at once with that same exception, whatever the loss rate
/// or partitions, so tests see it.
/// </para>
/// <para>
/// Not thread-safe: everything happens on the scheduler.
/// </para>
/// </remarks>
public sealed class SimulatedNetwork
{
    private static readonly Action<object?> DeliverRequestCallback = static state => Network(state).DeliverRequest((SimulatedExchange)state!);
    private static readonly Action<object?> DeliverReplyCallback = static state => Network(state).DeliverReply((SimulatedExchange)state!);
    private static readonly Action<object?, CancellationToken> CancelCallback = static (state, token) => Network(state).OnCancelled((SimulatedExchange)state!, token);

    private readonly Random random;
    private readonly Dictionary<NodeId, SimulatedNodeState> nodes = [];
    private readonly MessageTypeCodes typeCodes = new();
    private readonly RequestTimeoutQueue timeouts;
    private readonly List<string> trace = [];
    private long messagesSent;
    private long messagesDelivered;
    private long messagesDropped;
    private long handlerFaults;
    private ulong traceHash = Fnv1a64.OffsetBasis;
    private TimeSpan cachedTimeout;
    private string? cachedTimeoutReason;

    /// <summary>Creates a network on <paramref name="scheduler"/> whose only source of randomness is <paramref name="random"/>.</summary>
    public SimulatedNetwork(SimulationScheduler scheduler, Random random, SimulatedNetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(random);
        Scheduler = scheduler;
        this.random = random;
        Options = options ?? new SimulatedNetworkOptions();
        timeouts = new RequestTimeoutQueue(scheduler);
    }

    /// <summary>The scheduler on which messages travel and handlers run.</summary>
    public SimulationScheduler Scheduler { get; }

    /// <summary>Latency, loss, timeout and trace settings, read at every message; they may be changed while running.</summary>
    public SimulatedNetworkOptions Options { get; }

    /// <summary>How many one-way messages (requests and replies) have been sent.</summary>
    public long MessagesSent => messagesSent;

    /// <summary>How many one-way messages arrived: requests that reached a handler and replies that reached their sender.</summary>
    public long MessagesDelivered => messagesDelivered;

    /// <summary>How many one-way messages were dropped: lost, addressed to or sent by a node that was down, or cut off by a partition.</summary>
    public long MessagesDropped => messagesDropped;

    /// <summary>How many times a handler threw (or returned a faulted, cancelled or null task) instead of replying; zero in a healthy run.</summary>
    public long HandlerFaults => handlerFaults;

    /// <summary>
    /// A 64-bit FNV-1a hash folded over every message event so far: for each, the virtual time in ticks, the
    /// identifiers of the node it came from and the node it went to, a stable code for the message type and
    /// what happened (request delivered, reply delivered, dropped, timed out, cancelled, handler fault), each as
    /// eight little-endian bytes. Two runs with the same seed and inputs have the same hash.
    /// </summary>
    public ulong TraceHash => traceHash;

    /// <summary>
    /// Readable lines for the first <see cref="SimulatedNetworkOptions.TraceCapacity"/> message events, for
    /// debugging; empty when the capacity is 0.
    /// </summary>
    public IReadOnlyList<string> Trace => trace;

    /// <summary>
    /// A transport whose requests come from <paramref name="sender"/>. The sender need not be attached: a
    /// detached sender acts as a client that can send requests and receive replies but answers nothing.
    /// </summary>
    public INodeTransport CreateTransport(NodeInfo sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return new SimulatedTransport(this, sender, StateOf(sender.Id));
    }

    /// <summary>
    /// Brings <paramref name="node"/> up: from now on, requests addressed to its identifier reach
    /// <paramref name="handler"/>. Attaching a crashed node restarts it with the new handler.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node is already up; crash it first to restart it.</exception>
    public void Attach(NodeInfo node, INodeRequestHandler handler)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(handler);
        var state = StateOf(node.Id);
        if (state.Status == SimulatedNodeStatus.Up)
        {
            throw new InvalidOperationException($"Node {node} is already attached to the simulated network; crash it before attaching a new handler.");
        }

        state.Handler = handler;
        state.Status = SimulatedNodeStatus.Up;
    }

    /// <summary>
    /// Takes <paramref name="node"/> down from now: requests to it and messages from it are dropped, replies it
    /// was awaiting are dropped, and the results of requests its handler is still working on are discarded.
    /// </summary>
    public void Crash(NodeId node)
    {
        var state = StateOf(node);
        if (state.Status == SimulatedNodeStatus.Down)
        {
            return;
        }

        state.Status = SimulatedNodeStatus.Down;
        state.Handler = null;
        state.Incarnation++;
    }

    /// <summary>Whether <paramref name="node"/> is attached and not crashed.</summary>
    public bool IsUp(NodeId node) => nodes.TryGetValue(node, out var state) && state.Status == SimulatedNodeStatus.Up;

    /// <summary>
    /// Splits the network: nodes in different listed groups cannot exchange messages, and every node not
    /// listed forms one further group. Replaces any earlier partition. Messages already in flight are dropped
    /// when they arrive across the partition.
    /// </summary>
    /// <exception cref="ArgumentException">A node appears in two groups.</exception>
    public void Partition(params IReadOnlyCollection<NodeId>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var assigned = new Dictionary<NodeId, int>();
        for (var group = 0; group < groups.Length; group++)
        {
            var members = groups[group] ?? throw new ArgumentException($"Partition group {group} is null.", nameof(groups));
            foreach (var id in members)
            {
                if (assigned.TryGetValue(id, out var other) && other != group + 1)
                {
                    throw new ArgumentException($"Node {id} is listed in partition groups {other - 1} and {group}; a node can be on one side only.", nameof(groups));
                }

                assigned[id] = group + 1;
            }
        }

        Heal();
        foreach (var (id, group) in assigned)
        {
            StateOf(id).PartitionGroup = group;
        }
    }

    /// <summary>Removes the partition: every node can reach every other again.</summary>
    public void Heal()
    {
        foreach (var state in nodes.Values)
        {
            state.PartitionGroup = 0;
        }
    }

    /// <summary>Sends a request on behalf of a transport.</summary>
    internal Task<NodeReply> Send(NodeInfo sender, SimulatedNodeState senderState, NodeInfo target, NodeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<NodeReply>(cancellationToken);
        }

        var exchange = new SimulatedExchange(this, sender, senderState, target, StateOf(target.Id), request);
        messagesSent++;
        var latency = DrawLatency();
        exchange.RequestLost = DrawLoss();
        Scheduler.Enqueue(latency, new ScheduledEvent(DeliverRequestCallback, exchange));

        var timeout = Options.RequestTimeout;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            exchange.Timeout = timeout;
            timeouts.Add(exchange, timeout);
        }

        if (cancellationToken.CanBeCanceled)
        {
            exchange.Cancellation = cancellationToken.UnsafeRegister(CancelCallback, exchange);
        }

        return exchange.Task;
    }

    /// <summary>Reports the completion of a handler that did not finish synchronously.</summary>
    internal void OnHandlerCompleted(SimulatedExchange exchange)
    {
        var task = exchange.HandlerTask!;
        exchange.HandlerTask = null;
        CompleteHandling(exchange, task);
    }

    private static SimulatedNetwork Network(object? exchange) => ((SimulatedExchange)exchange!).Network;

    private void DeliverRequest(SimulatedExchange exchange)
    {
        var target = exchange.TargetState;
        var reason = target.Status != SimulatedNodeStatus.Up ? DropReason.DestinationDown
            : !exchange.SenderState.IsAlive(exchange.SenderIncarnation) ? DropReason.SourceDown
            : target.PartitionGroup != exchange.SenderState.PartitionGroup ? DropReason.Partitioned
            : exchange.RequestLost ? DropReason.Lost
            : DropReason.None;
        if (reason != DropReason.None)
        {
            messagesDropped++;
            Record(MessageEventKind.Drop, exchange.Sender.Id, exchange.Target.Id, exchange.Request.GetType(), reason);
            return;
        }

        messagesDelivered++;
        Record(MessageEventKind.Request, exchange.Sender.Id, exchange.Target.Id, exchange.Request.GetType(), DropReason.None);
        exchange.TargetIncarnation = target.Incarnation;

        Task<NodeReply> handling;
        try
        {
            // The sender's token stays with the sender: over a real network the target cannot see it either.
            handling = target.Handler!.HandleAsync(exchange.Request, CancellationToken.None);
        }
#pragma warning disable CA1031 // Any exception from a handler is a bug that must reach the caller's task.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Fault(exchange, exception);
            return;
        }

        if (handling is null)
        {
            Fault(exchange, NullTaskFault(exchange));
        }
        else if (handling.IsCompleted)
        {
            CompleteHandling(exchange, handling);
        }
        else
        {
            // Awaiting on the scheduler's context brings the completion back as an event.
            exchange.HandlerTask = handling;
            handling.GetAwaiter().UnsafeOnCompleted(exchange.HandlerCompleted);
        }
    }

    private void CompleteHandling(SimulatedExchange exchange, Task<NodeReply> handling)
    {
        var target = exchange.TargetState;
        if (target.Status != SimulatedNodeStatus.Up || target.Incarnation != exchange.TargetIncarnation)
        {
            return; // The node crashed while handling the request: its work is lost with it.
        }

        if (!handling.IsCompletedSuccessfully)
        {
            Fault(exchange, handling.Exception?.InnerException ?? new OperationCanceledException($"The handler of node {exchange.Target} cancelled its answer to {exchange.Request.GetType().Name}."));
            return;
        }

        var reply = handling.Result;
        if (reply is null)
        {
            Fault(exchange, NullTaskFault(exchange));
            return;
        }

        messagesSent++;
        exchange.Reply = reply;
        var latency = DrawLatency();
        exchange.ReplyLost = DrawLoss();
        Scheduler.Enqueue(latency, new ScheduledEvent(DeliverReplyCallback, exchange));
    }

    private void DeliverReply(SimulatedExchange exchange)
    {
        var reply = exchange.Reply!;
        var reason = !exchange.SenderState.IsAlive(exchange.SenderIncarnation) ? DropReason.DestinationDown
            : !exchange.TargetState.IsAlive(exchange.TargetIncarnation) ? DropReason.SourceDown
            : exchange.TargetState.PartitionGroup != exchange.SenderState.PartitionGroup ? DropReason.Partitioned
            : exchange.ReplyLost ? DropReason.Lost
            : DropReason.None;
        if (reason != DropReason.None)
        {
            messagesDropped++;
            Record(MessageEventKind.Drop, exchange.Target.Id, exchange.Sender.Id, reply.GetType(), reason);
            return;
        }

        messagesDelivered++;
        Record(MessageEventKind.Reply, exchange.Target.Id, exchange.Sender.Id, reply.GetType(), DropReason.None);
        if (Finish(exchange))
        {
            exchange.TrySetResult(reply);
        }
    }

    /// <summary>Ends the sender's wait with <see cref="NodeUnreachableException"/> unless it already has its answer.</summary>
    internal void OnTimeout(SimulatedExchange exchange)
    {
        if (!Finish(exchange))
        {
            return;
        }

        Record(MessageEventKind.Timeout, exchange.Sender.Id, exchange.Target.Id, exchange.Request.GetType(), DropReason.None);
        exchange.TrySetException(new NodeUnreachableException(exchange.Target, TimeoutReason(exchange.Timeout)));
    }

    private void OnCancelled(SimulatedExchange exchange, CancellationToken token)
    {
        if (!Finish(exchange))
        {
            return;
        }

        Record(MessageEventKind.Cancel, exchange.Sender.Id, exchange.Target.Id, exchange.Request.GetType(), DropReason.None);
        exchange.TrySetCanceled(token);
    }

    private void Fault(SimulatedExchange exchange, Exception exception)
    {
        handlerFaults++;
        Record(MessageEventKind.HandlerFault, exchange.Target.Id, exchange.Sender.Id, exchange.Request.GetType(), DropReason.None);
        if (Finish(exchange))
        {
            exchange.TrySetException(exception);
        }
    }

    /// <summary>Marks the sender's wait as over; false when something else already ended it.</summary>
    private static bool Finish(SimulatedExchange exchange)
    {
        if (exchange.Finished)
        {
            return false;
        }

        exchange.Finished = true;
        exchange.Cancellation.Unregister();
        return true;
    }

    private static InvalidOperationException NullTaskFault(SimulatedExchange exchange) =>
        new($"The handler of node {exchange.Target} answered {exchange.Request.GetType().Name} with null instead of a reply.");

    private long DrawLatency()
    {
        var min = Options.MinLatency.Ticks;
        var max = Options.MaxLatency.Ticks;
        if (max < min)
        {
            throw new InvalidOperationException($"The simulated network's MaxLatency ({Options.MaxLatency}) is below its MinLatency ({Options.MinLatency}).");
        }

        return max == min ? min : min + random.NextInt64(max - min + 1);
    }

    private bool DrawLoss()
    {
        var rate = Options.LossRate;
        return rate > 0 && (rate >= 1 || random.NextDouble() < rate);
    }

    private string TimeoutReason(TimeSpan timeout)
    {
        if (cachedTimeoutReason is null || cachedTimeout != timeout)
        {
            cachedTimeout = timeout;
            cachedTimeoutReason = string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalMilliseconds} ms");
        }

        return cachedTimeoutReason;
    }

    private SimulatedNodeState StateOf(NodeId id)
    {
        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(nodes, id, out _);
        return state ??= new SimulatedNodeState(id);
    }

    private void Record(MessageEventKind kind, NodeId from, NodeId to, Type messageType, DropReason reason)
    {
        var hash = Fnv1a64.Fold(traceHash, unchecked((ulong)Scheduler.NowTicks));
        hash = Fnv1a64.Fold(hash, from.Value);
        hash = Fnv1a64.Fold(hash, to.Value);
        hash = Fnv1a64.Fold(hash, typeCodes.Of(messageType));
        traceHash = Fnv1a64.Fold(hash, (ulong)kind);

        if (trace.Count < Options.TraceCapacity)
        {
            trace.Add(reason == DropReason.None
                ? string.Create(CultureInfo.InvariantCulture, $"{Scheduler.Elapsed:c} {kind} {from} -> {to} {messageType.Name}")
                : string.Create(CultureInfo.InvariantCulture, $"{Scheduler.Elapsed:c} {kind} {from} -> {to} {messageType.Name} ({reason})"));
        }
    }
}
