using System.Collections.Immutable;
using ChordKvs.Core.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChordKvs.Core.Ring;

/// <summary>
/// One member of a Chord ring: keeps its predecessor, successor list and finger table up to date and
/// resolves identifiers to the nodes responsible for them. Transport-independent: it reaches other nodes
/// only through <see cref="INodeTransport"/>, reads time only from its <see cref="TimeProvider"/> and draws
/// randomness only from the <see cref="Random"/> it is given, so the simulated network can run it
/// deterministically.
/// </summary>
/// <remarks>
/// The maintenance protocol follows Pamela Zave's corrected Chord ("Reasoning about identifier spaces:
/// how to make Chord correct", 2017): a pointer to a node is adopted only after that node has answered;
/// the successor list is always taken from the live successor; a notified node rectifies (it replaces its
/// predecessor only by a closer node, or when the current one is dead) instead of trusting every notify.
/// See docs/architecture.md.
/// </remarks>
public sealed partial class ChordNode : INodeRequestHandler, IDisposable
{
    private readonly INodeTransport _transport;
    private readonly ChordOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private RoutingState _routing;
    private MaintenanceTimer[] _maintenance = [];
    private long _maintenanceFailures;

    /// <summary>Creates a node that is not yet part of any ring; call <see cref="Create"/> or <see cref="JoinAsync(NodeInfo, CancellationToken)"/>.</summary>
    /// <param name="self">This node's identifier and address.</param>
    /// <param name="transport">How this node reaches others.</param>
    /// <param name="options">Protocol settings; validated here.</param>
    /// <param name="time">The clock for maintenance timers and lookup deadlines.</param>
    /// <param name="random">The source of timer jitter; seeded in simulations.</param>
    /// <param name="logger">Where protocol events are logged; nothing is logged when null.</param>
    public ChordNode(NodeInfo self, INodeTransport transport, ChordOptions options, TimeProvider time, Random random, ILogger<ChordNode>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Self = self;
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _routing = RoutingState.Alone(self);
    }

    /// <summary>Raised after every change of <see cref="Routing"/>, with the states before and after.</summary>
    public event EventHandler<RoutingChangedEventArgs>? RoutingChanged;

    /// <summary>This node's identifier and address.</summary>
    public NodeInfo Self { get; }

    /// <summary>Where the node is in its life: not yet in a ring, a member, or gone.</summary>
    public ChordNodeStatus Status { get; private set; } = ChordNodeStatus.Created;

    /// <summary>The current routing snapshot; it never changes once read.</summary>
    public RoutingState Routing => Volatile.Read(ref _routing);

    /// <summary>
    /// How many maintenance rounds failed with an unexpected exception (expected ones, such as an
    /// unreachable peer, are part of normal operation and not counted). Zero in a healthy node; tests assert it.
    /// </summary>
    public long MaintenanceFailures => Interlocked.Read(ref _maintenanceFailures);

    /// <summary>Starts a new ring with this node as its only member and starts maintenance.</summary>
    public void Create()
    {
        EnsureStatus(ChordNodeStatus.Created);
        Status = ChordNodeStatus.Member;
        LogCreated(Self);
        StartMaintenance();
    }

    /// <summary>
    /// Makes this node a member whose routing state was computed by someone who knows the whole ring, as the
    /// simulator does to start its static experiments from an already stable ring (see
    /// <see cref="Simulation.SimulatedRing.CreateStableRing"/>). No message is sent.
    /// </summary>
    /// <param name="state">The node's predecessor, successor list and fingers; its <see cref="RoutingState.Self"/> must be this node.</param>
    /// <param name="startMaintenance">Whether stabilize, fix_fingers and check_predecessor start running on their timers.</param>
    internal void StartWithComputedState(RoutingState state, bool startMaintenance)
    {
        EnsureStatus(ChordNodeStatus.Created);
        if (state.Self != Self)
        {
            throw new ArgumentException($"The routing state belongs to {state.Self}, not to {Self}.", nameof(state));
        }

        Update(_ => state);
        Status = ChordNodeStatus.Member;
        if (startMaintenance)
        {
            StartMaintenance();
        }
    }

    /// <summary>
    /// Joins the ring that <paramref name="bootstrap"/> belongs to: looks up this node's successor through it,
    /// asks that successor for its successor list and adopts both, starts maintenance and notifies the successor.
    /// Then it announces itself to the node that was the successor's predecessor, which adopts it as its
    /// successor at once instead of in its next stabilize round, and becomes this node's predecessor.
    /// </summary>
    /// <exception cref="LookupFailedException">The ring could not be reached through <paramref name="bootstrap"/>.</exception>
    /// <exception cref="NodeUnreachableException">The successor found did not answer.</exception>
    public Task JoinAsync(NodeInfo bootstrap, CancellationToken cancellationToken = default) =>
        JoinAsync(bootstrap, beforeAnnouncing: null, cancellationToken);

    /// <summary>
    /// Joins the ring as <see cref="JoinAsync(NodeInfo, CancellationToken)"/> does, running
    /// <paramref name="beforeAnnouncing"/> between the notify and the announcement: the replicated store takes
    /// over its range there, so that the node lookups start to find already holds its keys.
    /// </summary>
    /// <param name="bootstrap">Any member of the ring.</param>
    /// <param name="beforeAnnouncing">
    /// Given the node to be announced to (this node's predecessor-to-be) and this node's successor; not run when
    /// the successor named no predecessor before this node and is not alone in the ring (a successor alone is its
    /// own predecessor-to-be). Null for nothing.
    /// </param>
    /// <param name="cancellationToken">Cancels the join.</param>
    /// <exception cref="LookupFailedException">The ring could not be reached through <paramref name="bootstrap"/>.</exception>
    /// <exception cref="NodeUnreachableException">The successor found did not answer.</exception>
    public async Task JoinAsync(NodeInfo bootstrap, Func<NodeInfo, NodeInfo, CancellationToken, Task>? beforeAnnouncing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bootstrap);
        EnsureStatus(ChordNodeStatus.Created);
        if (bootstrap.Id == Self.Id)
        {
            throw new ArgumentException("A node cannot join a ring through itself; use Create to start a ring.", nameof(bootstrap));
        }

        var lookup = await LookupAsync(Self.Id, [bootstrap], cancellationToken);
        if (lookup.Successor.Id == Self.Id && lookup.Successor.Address != Self.Address)
        {
            throw new InvalidOperationException($"Node {lookup.Successor} already holds identifier {Self.Id}; choose another address or virtual node index.");
        }

        // A restarted node may still be listed under its own identifier by nodes that have not noticed the
        // restart; its successor is then the next node after that stale entry, or the bootstrap node itself.
        var successor = lookup.Successors.FirstOrDefault(node => node.Id != Self.Id) ?? bootstrap;

        // Zave: adopt the successor only after it answers, and take its successor list from it.
        var neighbors = await _transport.CallAsync(successor, new GetNeighborsRequest(), cancellationToken);
        (successor, neighbors) = await WalkBackToClosestSuccessorAsync(successor, neighbors, cancellationToken);
        Update(state => state with { Predecessor = null, Successors = SuccessorList.Build(Self, successor, neighbors.Successors, _options.SuccessorListLength) });
        Status = ChordNodeStatus.Member;
        LogJoined(Self, successor, lookup.Hops);
        StartMaintenance();
        await NotifySuccessorAsync(successor, cancellationToken);

        // The walk back stopped at a successor whose predecessor lies before this node: the node to announce to. A
        // successor alone in the ring is its own predecessor-to-be: told at once, it makes a ring of two whole now
        // rather than at its next stabilize round, and this node knows its predecessor from the start.
        var predecessorToBe = neighbors.Predecessor ?? (neighbors.Successors.All(node => node.Id == successor.Id) ? successor : null);
        if (predecessorToBe is { } predecessor && predecessor.Id != Self.Id && RingInterval.IsInOpen(Self.Id, predecessor.Id, successor.Id))
        {
            if (beforeAnnouncing is not null)
            {
                await beforeAnnouncing(predecessor, successor, cancellationToken);
            }

            await AnnounceToPredecessorAsync(predecessor, cancellationToken);
        }
    }

    /// <summary>
    /// Leaves the ring gracefully: stops maintenance, tells the successor its new predecessor and the
    /// predecessor its new successor list, so the ring closes over the gap at once instead of after a timeout.
    /// A neighbour that does not answer is skipped; stabilization then repairs the ring as after a crash.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        if (Status != ChordNodeStatus.Member)
        {
            return;
        }

        StopMaintenance();
        Status = ChordNodeStatus.Left;
        var state = Routing;
        if (state.IsAlone)
        {
            return;
        }

        await TrySendAsync(state.Successor, new PredecessorLeavingRequest(Self, state.Predecessor), cancellationToken);
        if (state.Predecessor is { } predecessor && predecessor.Id != Self.Id)
        {
            await TrySendAsync(predecessor, new SuccessorLeavingRequest(Self, state.Successors), cancellationToken);
        }

        LogLeft(Self);
    }

    /// <summary>Stops maintenance without telling anyone, as a crash would; the node answers nothing afterwards.</summary>
    public void Dispose()
    {
        StopMaintenance();
        Status = ChordNodeStatus.Left;
    }

    /// <summary>
    /// Resolves <paramref name="id"/> to its successor, the node responsible for it. Iterative: this node
    /// asks each hop for a closer node and drives the next step itself, using fingers and successor lists,
    /// skipping nodes that do not answer. Bounded by <see cref="ChordOptions.LookupHopLimit"/> and
    /// <see cref="ChordOptions.LookupTimeout"/>.
    /// </summary>
    /// <exception cref="LookupFailedException">No route made progress within the limits.</exception>
    public Task<LookupResult> FindSuccessorAsync(NodeId id, CancellationToken cancellationToken = default)
    {
        var state = Routing;
        var local = state.ResolveLocally(id);

        // Every known node before the id is a first hop, best first, not just the few a remote node would name: when
        // many nodes fail at once the best few may all be dead, and the lookup must go on with the next best finger
        // or successor (as the paper's lookup does) instead of failing.
        return local.IsEmpty
            ? LookupAsync(id, state.ClosestPrecedingNodes(id, NodeId.Bits + state.Successors.Length), cancellationToken)
            : Task.FromResult(new LookupResult(id, local, 0, 0, state.ListedPredecessorOf(id)));
    }

    /// <summary>
    /// The two ring members around <paramref name="id"/>, as first-hand as the ring allows: looks up the id's
    /// successor, then asks that successor for its predecessor, which a joining node tells it about at once, and
    /// steps back while the predecessor still lies after the id (the lookup went by successor lists that a newcomer
    /// has not reached yet). Used to place a virtual node (<see cref="VirtualNodePlacement"/>).
    /// </summary>
    /// <returns>The predecessor (null when the successor knows none) and the successor of <paramref name="id"/>.</returns>
    /// <exception cref="LookupFailedException">The lookup failed, or the predecessors did not settle within the hop limit.</exception>
    /// <exception cref="NodeUnreachableException">A successor asked for its predecessor did not answer.</exception>
    public async Task<(NodeInfo? Predecessor, NodeInfo Successor)> FindArcAsync(NodeId id, CancellationToken cancellationToken = default)
    {
        var found = await FindSuccessorAsync(id, cancellationToken);
        var successor = found.Successor;
        for (var step = 0; step < _options.LookupHopLimit; step++)
        {
            var neighbors = successor.Id == Self.Id
                ? NeighborsOf(Routing)
                : await _transport.CallAsync(successor, new GetNeighborsRequest(), cancellationToken);
            if (neighbors.Predecessor is not { } predecessor || predecessor.Id == successor.Id || !RingInterval.IsInOpen(predecessor.Id, id, successor.Id))
            {
                return (neighbors.Predecessor, successor);
            }

            successor = predecessor;
        }

        throw new LookupFailedException(id, "the predecessors around it did not settle", _options.LookupHopLimit, 0);
    }

    /// <summary>
    /// Asks again when the node a lookup named does not answer: sends one lookup step to the node the last hop
    /// listed just before it, which knows its own successors first-hand. The last hop's list may be a few
    /// stabilize rounds old, and so miss a node that joined just before the dead one; moving on along that list
    /// would pass the newcomer by, while the node before it already points to it.
    /// </summary>
    /// <param name="stale">The lookup whose <see cref="LookupResult.Successor"/> did not answer.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>
    /// The answer of the listed predecessor (one more hop), or null when there is none to ask, it is this node, or it
    /// does not settle the identifier.
    /// </returns>
    /// <exception cref="NodeUnreachableException">The listed predecessor did not answer either.</exception>
    public async Task<LookupResult?> AskListedPredecessorAsync(LookupResult stale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stale);
        if (stale.Predecessor is not { } predecessor || predecessor.Id == Self.Id || predecessor.Id == stale.Successor.Id)
        {
            return null;
        }

        var reply = await _transport.CallAsync(predecessor, new FindSuccessorStepRequest(stale.Target), cancellationToken);
        return reply.Found && !reply.Nodes.IsEmpty ? new LookupResult(stale.Target, reply.Nodes, 1, 0, reply.Predecessor) : null;
    }

    /// <inheritdoc />
    public async Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request switch
        {
            PingRequest => new PingReply(Self),
            GetNeighborsRequest => NeighborsOf(Routing),
            FindSuccessorStepRequest step => AnswerLookupStep(step.Target),
            NotifyRequest notify => await RectifyAsync(notify.Candidate, cancellationToken),
            PredecessorLeavingRequest leaving => AcceptLeavingPredecessor(leaving),
            SuccessorLeavingRequest leaving => AcceptLeavingSuccessor(leaving),
            SuccessorJoinedRequest joined => AcceptJoinedSuccessor(joined),
            _ => throw new NotSupportedException($"A Chord node does not handle {request.GetType().Name}."),
        };
    }

    /// <summary>
    /// One stabilize round (Zave's version): ask the first live successor for its predecessor and successor
    /// list, dropping successors that do not answer; adopt the successor's predecessor as the new successor
    /// only if it lies in between and answers itself; take the successor list from the successor adopted;
    /// then notify it.
    /// </summary>
    public async Task StabilizeAsync(CancellationToken cancellationToken = default)
    {
        var (successor, neighbors) = await FirstLiveSuccessorAsync(cancellationToken);
        if (successor is null || neighbors is null)
        {
            // Every successor on the list is dead: this node can only start over as a ring of one, which
            // is why the list must be longer than the number of neighbours that may fail together.
            LogAllSuccessorsDead(Self, Routing.Successors.Length);
            Update(state => state with { Successors = SuccessorList.Alone(Self) });
            return;
        }

        (successor, neighbors) = await WalkBackToClosestSuccessorAsync(successor, neighbors, cancellationToken);
        var successors = SuccessorList.Build(Self, successor, neighbors.Successors, _options.SuccessorListLength);
        Update(state => state with { Successors = successors });
        await NotifySuccessorAsync(successor, cancellationToken);
    }

    /// <summary>
    /// Refreshes the whole finger table: one lookup per distinct finger, since a lookup for finger i's start
    /// also settles every later finger whose start lies before the node found.
    /// </summary>
    public async Task FixFingersAsync(CancellationToken cancellationToken = default)
    {
        await VerifySuccessorAsync(cancellationToken);
        var fingers = Routing.Fingers.ToArray();
        var index = 0;
        while (index < NodeId.Bits)
        {
            var start = Self.Id.AddPowerOfTwo(index);
            LookupResult found;
            try
            {
                found = await FindSuccessorAsync(start, cancellationToken);
            }
            catch (LookupFailedException)
            {
                // Keep the old entry; the next refresh tries again.
                index++;
                continue;
            }

            var reach = start.DistanceTo(found.Successor.Id);
            do
            {
                fingers[index] = found.Successor;
                index++;
            }
            while (index < NodeId.Bits && start.DistanceTo(Self.Id.AddPowerOfTwo(index)) <= reach);
        }

        var table = FingerTable.From(fingers);
        Update(state => state with { Fingers = table });
    }

    /// <summary>
    /// Looks up this node's own successor through the ring, starting at its farthest finger rather than at its
    /// own pointers, and moves to any node found between it and its successor (once that node has answered).
    /// </summary>
    /// <remarks>
    /// Stabilize only ever looks at the successor's predecessor. Nodes that joined through members which were
    /// themselves not yet linked in can form a sparse chain whose pointers agree with each other while skipping
    /// nodes of the main ring; stabilize merges such a chain one node per round. A lookup routed from elsewhere
    /// in the ring reaches the main ring's view of this node's position and finds the skipped node at once.
    /// </remarks>
    private async Task VerifySuccessorAsync(CancellationToken cancellationToken)
    {
        var state = Routing;
        var farthest = state.Fingers.Distinct().LastOrDefault(node => node.Id != Self.Id && node.Id != state.Successor.Id);
        if (farthest is not null)
        {
            await VerifySuccessorThroughAsync(farthest, cancellationToken);
        }
    }

    /// <summary>
    /// Looks up this node's own successor starting at <paramref name="peer"/> and moves to any node found between
    /// this node and its successor (once that node has answered). Started at a node this node knew before a
    /// partition, this merges the two rings the partition left behind: each side's stabilization dropped the other
    /// side's nodes, and nothing else would bring them back.
    /// </summary>
    public async Task VerifySuccessorThroughAsync(NodeInfo peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (Status != ChordNodeStatus.Member || peer.Id == Self.Id)
        {
            return;
        }

        LookupResult found;
        try
        {
            found = await LookupAsync(Self.Id.AddPowerOfTwo(0), [peer], cancellationToken);
        }
        catch (LookupFailedException)
        {
            return;
        }

        var candidate = found.Successor;
        if (!RingInterval.IsInOpen(candidate.Id, Self.Id, Routing.Successor.Id))
        {
            return;
        }

        try
        {
            var neighbors = await _transport.CallAsync(candidate, new GetNeighborsRequest(), cancellationToken);
            (candidate, neighbors) = await WalkBackToClosestSuccessorAsync(candidate, neighbors, cancellationToken);
            var successors = SuccessorList.Build(Self, candidate, neighbors.Successors, _options.SuccessorListLength);
            Update(current => current with { Successors = successors });
            LogSuccessorCorrected(Self, candidate);
            await NotifySuccessorAsync(candidate, cancellationToken);
        }
        catch (NodeUnreachableException)
        {
            // Zave: a pointer to a node that does not answer is never adopted.
        }
    }

    /// <summary>Pings the predecessor and forgets it if it does not answer, so that the next notify is accepted.</summary>
    public async Task CheckPredecessorAsync(CancellationToken cancellationToken = default)
    {
        if (Routing.Predecessor is not { } predecessor || predecessor.Id == Self.Id)
        {
            return;
        }

        if (!await IsAliveAsync(predecessor, cancellationToken))
        {
            LogPredecessorDead(Self, predecessor);
            Update(state => state.Predecessor?.Id == predecessor.Id ? state with { Predecessor = null } : state);
        }
    }

    private async Task<LookupResult> LookupAsync(NodeId id, ImmutableArray<NodeInfo> firstHops, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var candidates = new List<NodeInfo>(firstHops);
        var contacted = new HashSet<NodeId>();
        var hops = 0;
        var timeouts = 0;
        while (candidates.Count > 0)
        {
            var next = candidates[0];
            candidates.RemoveAt(0);
            if (!contacted.Add(next.Id))
            {
                continue;
            }

            if (hops + timeouts >= _options.LookupHopLimit)
            {
                throw new LookupFailedException(id, $"the hop limit of {_options.LookupHopLimit} was reached", hops, timeouts);
            }

            if (_time.GetElapsedTime(started) > _options.LookupTimeout)
            {
                throw new LookupTimeoutException(id, _options.LookupTimeout, hops, timeouts);
            }

            FindSuccessorStepReply reply;
            try
            {
                reply = await _transport.CallAsync(next, new FindSuccessorStepRequest(id), cancellationToken);
            }
            catch (NodeUnreachableException)
            {
                timeouts++;
                ForgetFinger(next);
                continue;
            }

            hops++;
            if (reply.Found && !reply.Nodes.IsEmpty)
            {
                return new LookupResult(id, reply.Nodes, hops, timeouts, reply.Predecessor);
            }

            // Only nodes strictly between the answering node and the target make progress; anything else
            // would let a stale pointer send the lookup backwards.
            foreach (var candidate in reply.Nodes)
            {
                if (RingInterval.IsInOpen(candidate.Id, next.Id, id) && !contacted.Contains(candidate.Id))
                {
                    InsertByDistance(candidates, candidate, id);
                }
            }
        }

        throw new LookupFailedException(id, "no node on the route answered with a closer one", hops, timeouts);
    }

    private static void InsertByDistance(List<NodeInfo> candidates, NodeInfo candidate, NodeId target)
    {
        var distance = candidate.Id.DistanceTo(target);
        var at = 0;
        while (at < candidates.Count && candidates[at].Id.DistanceTo(target) <= distance)
        {
            if (candidates[at].Id == candidate.Id)
            {
                return;
            }

            at++;
        }

        candidates.Insert(at, candidate);
    }

    private FindSuccessorStepReply AnswerLookupStep(NodeId target)
    {
        // A node that has not joined a ring (or has left it) knows only itself; answering "alone" would make
        // whoever asks adopt it as the successor of every identifier and split off a ring of its own.
        if (Status != ChordNodeStatus.Member)
        {
            return new FindSuccessorStepReply(false, []);
        }

        var state = Routing;
        var successors = state.ResolveLocally(target);
        return successors.IsEmpty
            ? new FindSuccessorStepReply(false, state.ClosestPrecedingNodes(target, _options.NextHopCandidates))
            : new FindSuccessorStepReply(true, successors, state.ListedPredecessorOf(target));
    }

    private NeighborsReply NeighborsOf(RoutingState state) => new(Self, state.Predecessor, state.Successors);

    /// <summary>
    /// While the successor's predecessor lies between this node and the successor and answers, moves to it:
    /// the step of stabilize that makes the successor pointer closer, repeated up to r times in one round so
    /// that a crowd of nodes that joined into one gap sorts itself out in a few rounds rather than one node
    /// per round. Each step adopts only a node that has just answered (Zave).
    /// </summary>
    private async Task<(NodeInfo Successor, NeighborsReply Neighbors)> WalkBackToClosestSuccessorAsync(NodeInfo successor, NeighborsReply neighbors, CancellationToken cancellationToken)
    {
        for (var step = 0; step < _options.SuccessorListLength; step++)
        {
            if (neighbors.Predecessor is not { } between || !RingInterval.IsInOpen(between.Id, Self.Id, successor.Id))
            {
                break;
            }

            try
            {
                neighbors = await _transport.CallAsync(between, new GetNeighborsRequest(), cancellationToken);
                successor = between;
            }
            catch (NodeUnreachableException)
            {
                // Zave: a pointer to a node that does not answer is never adopted.
                break;
            }
        }

        return (successor, neighbors);
    }

    private async Task<(NodeInfo? Successor, NeighborsReply? Neighbors)> FirstLiveSuccessorAsync(CancellationToken cancellationToken)
    {
        foreach (var successor in Routing.Successors)
        {
            if (successor.Id == Self.Id)
            {
                return (Self, NeighborsOf(Routing));
            }

            try
            {
                return (successor, await _transport.CallAsync(successor, new GetNeighborsRequest(), cancellationToken));
            }
            catch (NodeUnreachableException)
            {
                LogSuccessorDead(Self, successor);
                ForgetFinger(successor);
            }
        }

        return (null, null);
    }

    private async Task NotifySuccessorAsync(NodeInfo successor, CancellationToken cancellationToken)
    {
        if (successor.Id != Self.Id)
        {
            await TrySendAsync(successor, new NotifyRequest(Self), cancellationToken);
        }
    }

    /// <summary>
    /// Zave's rectify: the candidate becomes the predecessor if there is none, if it lies between the
    /// current one and this node, or if the current one no longer answers.
    /// </summary>
    private async Task<NodeReply> RectifyAsync(NodeInfo candidate, CancellationToken cancellationToken)
    {
        var current = Routing.Predecessor;
        if (candidate.Id == Self.Id || current?.Id == candidate.Id)
        {
            return AckReply.Instance;
        }

        if (current is not null && !RingInterval.IsInOpen(candidate.Id, current.Id, Self.Id) && await IsAliveAsync(current, cancellationToken))
        {
            return AckReply.Instance;
        }

        // Compare-and-set: another notify may have moved the predecessor while this one was pinging.
        Update(state => state.Predecessor?.Id == current?.Id || state.Predecessor is null
            || RingInterval.IsInOpen(candidate.Id, state.Predecessor.Id, Self.Id)
                ? state with { Predecessor = candidate }
                : state);
        return AckReply.Instance;
    }

    /// <summary>
    /// The last step of a join. Until the node before this one learns of it, which its stabilize does only in its
    /// next round, no node points to this one: lookups of the keys it now owns end at its successor, and if that
    /// successor fails first, at nobody who knows this node. So the predecessor is told at once; this node takes it
    /// as its own predecessor once its answer shows it has adopted this node (Zave: adopt a node that answered).
    /// </summary>
    private async Task AnnounceToPredecessorAsync(NodeInfo predecessor, CancellationToken cancellationToken)
    {
        NeighborsReply reply;
        try
        {
            reply = await _transport.CallAsync(predecessor, new SuccessorJoinedRequest(Self, Routing.Successors), cancellationToken);
        }
        catch (NodeUnreachableException exception)
        {
            LogSendFailed(Self, nameof(SuccessorJoinedRequest), exception.Message);
            return;
        }

        if (reply.Successors.FirstOrDefault()?.Id == Self.Id)
        {
            Update(state => state.Predecessor is null ? state with { Predecessor = predecessor } : state);
        }
    }

    /// <summary>
    /// Adopts a node that has just joined between this node and its successor as the new successor, with that
    /// node's successor list (taken from its live successor a moment ago); it was alive to send the request.
    /// </summary>
    private NeighborsReply AcceptJoinedSuccessor(SuccessorJoinedRequest joined)
    {
        Update(state => joined.Joined.Id != Self.Id && (state.IsAlone || RingInterval.IsInOpen(joined.Joined.Id, Self.Id, state.Successor.Id))
            ? state with { Successors = SuccessorList.Build(Self, joined.Joined, joined.Successors, _options.SuccessorListLength) }
            : state);
        return NeighborsOf(Routing);
    }

    private AckReply AcceptLeavingPredecessor(PredecessorLeavingRequest leaving)
    {
        Update(state =>
        {
            var next = state.Predecessor?.Id == leaving.Leaving.Id
                ? state with { Predecessor = leaving.NewPredecessor?.Id == Self.Id ? null : leaving.NewPredecessor }
                : state;
            return WithoutNode(next, leaving.Leaving.Id);
        });
        return AckReply.Instance;
    }

    private AckReply AcceptLeavingSuccessor(SuccessorLeavingRequest leaving)
    {
        Update(state =>
        {
            if (state.Successor.Id != leaving.Leaving.Id)
            {
                return WithoutNode(state, leaving.Leaving.Id);
            }

            // The leaving node was alive to send this, and its successor list was current when it left.
            var remaining = leaving.Successors.Where(node => node.Id != leaving.Leaving.Id).ToList();
            var successors = remaining.Count == 0
                ? SuccessorList.Alone(Self)
                : SuccessorList.Build(Self, remaining[0], remaining.Skip(1), _options.SuccessorListLength);
            return state with { Successors = successors, Fingers = state.Fingers.Without(leaving.Leaving.Id) };
        });
        return AckReply.Instance;
    }

    private RoutingState WithoutNode(RoutingState state, NodeId node)
    {
        var successors = state.Successors.RemoveAll(entry => entry.Id == node);
        return state with
        {
            Successors = successors.IsEmpty ? SuccessorList.Alone(Self) : successors,
            Fingers = state.Fingers.Without(node),
        };
    }

    private void ForgetFinger(NodeInfo node) => Update(state => state with { Fingers = state.Fingers.Without(node.Id) });

    private async Task<bool> IsAliveAsync(NodeInfo node, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.CallAsync(node, new PingRequest(), cancellationToken);
            return true;
        }
        catch (NodeUnreachableException)
        {
            return false;
        }
    }

    private async Task TrySendAsync(NodeInfo target, NodeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.SendAsync(target, request, cancellationToken);
        }
        catch (NodeUnreachableException exception)
        {
            LogSendFailed(Self, request.GetType().Name, exception.Message);
        }
    }

    private void Update(Func<RoutingState, RoutingState> change)
    {
        RoutingState before;
        RoutingState after;
        lock (_gate)
        {
            before = _routing;
            after = change(before);
            if (ReferenceEquals(before, after) || (before.Predecessor == after.Predecessor && before.Successors.SequenceEqual(after.Successors) && ReferenceEquals(before.Fingers, after.Fingers)))
            {
                return;
            }

            Volatile.Write(ref _routing, after);
        }

        RoutingChanged?.Invoke(this, new RoutingChangedEventArgs(before, after));
    }

    private void StartMaintenance()
    {
        _maintenance =
        [
            NewMaintenanceTimer(StabilizeAsync, _options.StabilizeInterval),
            NewMaintenanceTimer(FixFingersAsync, _options.FixFingersInterval),
            NewMaintenanceTimer(CheckPredecessorAsync, _options.CheckPredecessorInterval),
        ];
    }

    private MaintenanceTimer NewMaintenanceTimer(Func<CancellationToken, Task> work, TimeSpan period) =>
        new(_time, work, () => MaintenanceTimer.Jittered(period, _options.MaintenanceJitter, _random), OnMaintenanceFailure);

    private void StopMaintenance()
    {
        foreach (var timer in _maintenance)
        {
            timer.Dispose();
        }

        _maintenance = [];
    }

    private void OnMaintenanceFailure(Exception exception)
    {
        if (exception is NodeUnreachableException or LookupFailedException)
        {
            return;
        }

        Interlocked.Increment(ref _maintenanceFailures);
        LogMaintenanceFailed(exception, Self);
    }

    private void EnsureStatus(ChordNodeStatus expected)
    {
        if (Status != expected)
        {
            throw new InvalidOperationException($"Node {Self} is {Status}; this operation needs it to be {expected}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} created a new ring")]
    private partial void LogCreated(NodeInfo node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} joined the ring before {Successor} ({Hops} lookup hops)")]
    private partial void LogJoined(NodeInfo node, NodeInfo successor, int hops);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} left the ring")]
    private partial void LogLeft(NodeInfo node);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: successor {Successor} did not answer; trying the next one")]
    private partial void LogSuccessorDead(NodeInfo node, NodeInfo successor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: all {Count} successors are unreachable; it continues as a ring of one")]
    private partial void LogAllSuccessorsDead(NodeInfo node, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: a lookup through the ring found the closer successor {Successor}")]
    private partial void LogSuccessorCorrected(NodeInfo node, NodeInfo successor);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: predecessor {Predecessor} did not answer; it is forgotten")]
    private partial void LogPredecessorDead(NodeInfo node, NodeInfo predecessor);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: {Request} was not delivered: {Reason}")]
    private partial void LogSendFailed(NodeInfo node, string request, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node}: a maintenance round failed unexpectedly")]
    private partial void LogMaintenanceFailed(Exception exception, NodeInfo node);
}
