using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// A Chord ring of bare <see cref="ChordNode"/>s on a <see cref="SimulatedNetwork"/>: what the ring tests and
/// the Chord simulator drive. <see cref="SimulatedCluster"/> hosts whole ChordKvs nodes the same way.
/// </summary>
public sealed class SimulatedRing : SimulatedRing<ChordNode>
{
    /// <summary>Creates an empty ring whose network, node identifiers and timer jitter all derive from <paramref name="seed"/>.</summary>
    public SimulatedRing(int seed, ChordOptions? options = null, SimulatedNetworkOptions? networkOptions = null)
        : base(seed, options ?? new ChordOptions(), networkOptions)
    {
    }

    /// <inheritdoc />
    protected override ChordNode CreateMember(NodeInfo info, INodeTransport transport, Random random) =>
        new(info, transport, Options, Scheduler.TimeProvider, random);
}

/// <summary>
/// A Chord ring of real members (<typeparamref name="TMember"/>: bare <see cref="ChordNode"/>s or whole
/// ChordKvs nodes) on a <see cref="SimulatedNetwork"/>: creates, joins, crashes and removes members, runs virtual
/// time, and compares the ring with the <see cref="RingOracle"/>. Tests and the simulator both drive rings
/// through it. Everything derives from one seed, so a run is reproducible.
/// </summary>
/// <typeparam name="TMember">What each simulated node is; a subclass says how to make one.</typeparam>
public abstract class SimulatedRing<TMember>
    where TMember : class, IRingMember
{
    private readonly List<TMember> _live = [];
    private int _nextAddress;

    /// <summary>Creates an empty ring whose network, node identifiers and timer jitter all derive from <paramref name="seed"/>.</summary>
    /// <param name="seed">The one seed of the run.</param>
    /// <param name="options">The ring protocol settings every member uses; validated here.</param>
    /// <param name="networkOptions">Latency, loss and timeouts of the network; defaults when null.</param>
    protected SimulatedRing(int seed, ChordOptions options, SimulatedNetworkOptions? networkOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        Random = new Random(seed);
        Options = options;
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
    public IReadOnlyList<TMember> LiveNodes => _live;

    /// <summary>A new node with a random identifier, attached to the network but not yet in the ring.</summary>
    public TMember NewNode()
    {
        var bytes = new byte[8];
        Random.NextBytes(bytes);
        var info = new NodeInfo(new NodeId(BitConverter.ToUInt64(bytes)), $"sim://node-{_nextAddress++}");
        return NewNode(info);
    }

    /// <summary>A new node with the given identity (a restart reuses the old one), attached to the network but not yet in the ring.</summary>
    public TMember NewNode(NodeInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var node = CreateMember(info, Network.CreateTransport(info), new Random(Random.Next()));
        Network.Attach(info, node);
        _live.Add(node);
        return node;
    }

    /// <summary>Starts the ring with one new node.</summary>
    public TMember CreateRing()
    {
        var node = NewNode();
        node.Create();
        return node;
    }

    /// <summary>Starts joins of <paramref name="count"/> new nodes, one every <paramref name="spacing"/> of virtual time, each through a random member; runs until all have finished.</summary>
    public IReadOnlyList<TMember> JoinMany(int count, TimeSpan spacing)
    {
        var joined = new List<TMember>(count);
        var joins = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var members = _live.Where(node => node.Ring.Status == ChordNodeStatus.Member).ToList();
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
    public void Crash(TMember node)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Dispose();
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>Lets a node leave gracefully, then takes it off the network.</summary>
    public void Leave(TMember node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Scheduler.Run(() => node.LeaveAsync(), TimeSpan.FromMinutes(1));
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>Resolves <paramref name="id"/> from <paramref name="from"/>, running the simulation until the lookup ends.</summary>
    public LookupResult Lookup(TMember from, NodeId id)
    {
        ArgumentNullException.ThrowIfNull(from);
        return Scheduler.Run(() => from.Ring.FindSuccessorAsync(id), Options.LookupTimeout * 2);
    }

    /// <summary>
    /// Starts every lookup at once and runs the simulation until all have ended, so that thousands of lookups
    /// take about as much virtual time as one. A failed lookup is returned as its exception.
    /// </summary>
    public IReadOnlyList<Task<LookupResult>> LookupMany(IReadOnlyList<(TMember From, NodeId Id)> lookups)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        var started = new List<Task<LookupResult>>(lookups.Count);
        Scheduler.Run(
            () =>
            {
                foreach (var (from, id) in lookups)
                {
                    started.Add(from.Ring.FindSuccessorAsync(id));
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
    public string? FindError(bool checkFingers = true)
    {
        var rings = _live.Select(member => member.Ring).ToList();
        return RingConsistency.FindCycleError(rings) ?? RingConsistency.FindPointerError(rings, Oracle(), Options.SuccessorListLength, checkFingers);
    }

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

    /// <summary>Makes the member for a new simulated node; it is attached to the network right after.</summary>
    /// <param name="info">The node's identifier and address.</param>
    /// <param name="transport">Its way to reach the other nodes.</param>
    /// <param name="random">Its own seeded source of randomness, drawn from the ring's.</param>
    protected abstract TMember CreateMember(NodeInfo info, INodeTransport transport, Random random);
}
