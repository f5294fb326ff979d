using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// A Chord ring of real <see cref="ChordNode"/>s on a <see cref="SimulatedNetwork"/>: creates, joins, crashes
/// and removes nodes, runs virtual time, and compares the ring with the <see cref="RingOracle"/>. Tests and the
/// simulator both drive rings through it. Everything derives from one seed, so a run is reproducible.
/// </summary>
public sealed class SimulatedRing
{
    private readonly List<ChordNode> _live = [];
    private int _nextAddress;

    /// <summary>Creates an empty ring whose network, node identifiers and timer jitter all derive from <paramref name="seed"/>.</summary>
    public SimulatedRing(int seed, ChordOptions? options = null, SimulatedNetworkOptions? networkOptions = null)
    {
        Random = new Random(seed);
        Options = options ?? new ChordOptions();
        Options.Validate();
        Scheduler = new SimulationScheduler();
        Network = new SimulatedNetwork(Scheduler, new Random(Random.Next()), networkOptions);
    }

    /// <summary>The seeded source of every random choice the ring makes outside the network.</summary>
    public Random Random { get; }

    /// <summary>The protocol settings every node uses.</summary>
    public ChordOptions Options { get; }

    /// <summary>The virtual clock and event queue.</summary>
    public SimulationScheduler Scheduler { get; }

    /// <summary>The network the nodes talk over.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>The nodes that are up, in the order they were added.</summary>
    public IReadOnlyList<ChordNode> LiveNodes => _live;

    /// <summary>A new node with a random identifier, attached to the network but not yet in the ring.</summary>
    public ChordNode NewNode()
    {
        var bytes = new byte[8];
        Random.NextBytes(bytes);
        var info = new NodeInfo(new NodeId(BitConverter.ToUInt64(bytes)), $"sim://node-{_nextAddress++}");
        return NewNode(info);
    }

    /// <summary>A new node with the given identity (a restart reuses the old one), attached to the network but not yet in the ring.</summary>
    public ChordNode NewNode(NodeInfo info)
    {
        var node = new ChordNode(info, Network.CreateTransport(info), Options, Scheduler.TimeProvider, new Random(Random.Next()));
        Network.Attach(info, node);
        _live.Add(node);
        return node;
    }

    /// <summary>Starts the ring with one new node.</summary>
    public ChordNode CreateRing()
    {
        var node = NewNode();
        node.Create();
        return node;
    }

    /// <summary>
    /// Starts a ring of <paramref name="count"/> new nodes that is stable from the first instant: each node's
    /// predecessor, successor list (length <see cref="ChordOptions.SuccessorListLength"/>) and all 64 fingers are
    /// computed from the sorted identifiers, as <see cref="RingConsistency.FindPointerError"/> expects them,
    /// without a single message.
    /// </summary>
    /// <remarks>
    /// The Chord papers' static experiments (path length, load balance, simultaneous failures) measure a ring
    /// "once the network becomes stable"; this builds that state directly, so a ring of 2^14 nodes costs well under
    /// a second instead of minutes of simulated joins. Lookups on it then run the real protocol on the simulated
    /// network. With <paramref name="startMaintenance"/> false no maintenance timer runs, so the ring stays exactly
    /// as built (stabilization is paused) until something else changes it; with true, stabilize, fix_fingers and
    /// check_predecessor start on their jittered timers as after a join.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The ring already has nodes.</exception>
    public IReadOnlyList<ChordNode> CreateStableRing(int count, bool startMaintenance = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (_live.Count > 0)
        {
            throw new InvalidOperationException($"The ring already has {_live.Count} nodes; a stable ring is built from nothing.");
        }

        var used = new HashSet<ulong>();
        var infos = new List<NodeInfo>(count);
        var bytes = new byte[8];
        while (infos.Count < count)
        {
            Random.NextBytes(bytes);
            var id = BitConverter.ToUInt64(bytes);
            if (used.Add(id))
            {
                infos.Add(new NodeInfo(new NodeId(id), $"sim://node-{_nextAddress++}"));
            }
        }

        var nodes = infos.Select(NewNode).ToList();
        var routing = new StableRouting(infos);
        var byId = nodes.ToDictionary(node => node.Self.Id);
        for (var i = 0; i < routing.Sorted.Count; i++)
        {
            byId[routing.Sorted[i].Id].StartWithComputedState(routing.StateOf(i, Options.SuccessorListLength), startMaintenance);
        }

        return nodes;
    }

    /// <summary>Starts joins of <paramref name="count"/> new nodes, one every <paramref name="spacing"/> of virtual time, each through a random member; runs until all have finished.</summary>
    public IReadOnlyList<ChordNode> JoinMany(int count, TimeSpan spacing)
    {
        var joined = new List<ChordNode>(count);
        var joins = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var members = _live.Where(node => node.Status == ChordNodeStatus.Member).ToList();
            var via = members[Random.Next(members.Count)].Self;
            var node = NewNode();
            joined.Add(node);
            Scheduler.Run(
                () =>
                {
                    joins.Add(node.JoinAsync(via));
                    return Task.CompletedTask;
                },
                TimeSpan.FromMinutes(1));
            Scheduler.RunFor(spacing);
        }

        Scheduler.Run(() => Task.WhenAll(joins), TimeSpan.FromMinutes(10));
        return joined;
    }

    /// <summary>Crashes a node: it stops at once and the network drops everything sent to it.</summary>
    public void Crash(ChordNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Dispose();
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>Lets a node leave gracefully, then takes it off the network.</summary>
    public void Leave(ChordNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Scheduler.Run(() => node.LeaveAsync(), TimeSpan.FromMinutes(1));
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>
    /// Lets a node leave gracefully and then takes it off the network, without running the scheduler: for use from
    /// inside a simulation event (a churn process), where <see cref="Leave"/> cannot be called.
    /// </summary>
    public async Task LeaveAsync(ChordNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        await node.LeaveAsync();
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>Resolves <paramref name="id"/> from <paramref name="from"/>, running the simulation until the lookup ends.</summary>
    public LookupResult Lookup(ChordNode from, NodeId id)
    {
        ArgumentNullException.ThrowIfNull(from);
        return Scheduler.Run(() => from.FindSuccessorAsync(id), Options.LookupTimeout * 2);
    }

    /// <summary>
    /// Starts every lookup at once and runs the simulation until all have ended, so that thousands of lookups
    /// take about as much virtual time as one. A failed lookup is returned as its exception.
    /// </summary>
    public IReadOnlyList<Task<LookupResult>> LookupMany(IReadOnlyList<(ChordNode From, NodeId Id)> lookups)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        var started = new List<Task<LookupResult>>(lookups.Count);
        Scheduler.Run(
            () =>
            {
                foreach (var (from, id) in lookups)
                {
                    started.Add(from.FindSuccessorAsync(id));
                }

                return Task.WhenAll(started.Select(EndedAsync));
            },
            Options.LookupTimeout * 2);
        return started;

        static async Task EndedAsync(Task<LookupResult> lookup)
        {
            try
            {
                await lookup;
            }
            catch (LookupFailedException)
            {
                // Reported through the returned task.
            }
        }
    }

    /// <summary>The truth about the current live nodes.</summary>
    public RingOracle Oracle() => new(_live.Select(node => node.Self));

    /// <summary>Null when the live nodes form one correct ring (pointers and, if asked, fingers); else what is wrong.</summary>
    public string? FindError(bool checkFingers = true) =>
        RingConsistency.FindCycleError(_live) ?? RingConsistency.FindPointerError(_live, Oracle(), Options.SuccessorListLength, checkFingers);

    /// <summary>
    /// Runs virtual time in steps of <paramref name="checkEvery"/> until the ring is correct or <paramref name="timeout"/>
    /// passes. Returns null on success, else the last error found.
    /// </summary>
    public string? RunUntilConsistent(TimeSpan timeout, TimeSpan checkEvery, bool checkFingers = true)
    {
        var error = FindError(checkFingers);
        for (var waited = TimeSpan.Zero; error is not null && waited < timeout; waited += checkEvery)
        {
            Scheduler.RunFor(checkEvery);
            error = FindError(checkFingers);
        }

        return error;
    }
}
