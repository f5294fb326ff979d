using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// A ChordKvs cluster of real <see cref="ChordKvsNode"/>s (ring, store and replication) on a
/// <see cref="SimulatedNetwork"/>: the key-value counterpart of <see cref="SimulatedRing"/>, checked with the same
/// <see cref="RingConsistency"/>. Everything derives from one seed.
/// </summary>
public sealed class SimulatedCluster
{
    private readonly List<ChordKvsNode> _live = [];
    private int _nextAddress;

    /// <summary>Creates an empty cluster whose network, node identifiers and timers all derive from <paramref name="seed"/>.</summary>
    public SimulatedCluster(int seed, ChordKvsOptions? options = null, SimulatedNetworkOptions? networkOptions = null)
    {
        Random = new Random(seed);
        Options = options ?? new ChordKvsOptions();
        Options.Validate();
        Scheduler = new SimulationScheduler();
        // A forwarded client call must outlast the coordinator's wait for replicas, which it carries back.
        Network = new SimulatedNetwork(Scheduler, new Random(Random.Next()), networkOptions ?? new SimulatedNetworkOptions { RequestTimeout = Options.Replication.ReplicaTimeout * 2 });
    }

    /// <summary>The seeded source of every random choice outside the network.</summary>
    public Random Random { get; }

    /// <summary>The settings every node uses.</summary>
    public ChordKvsOptions Options { get; }

    /// <summary>The virtual clock and event queue.</summary>
    public SimulationScheduler Scheduler { get; }

    /// <summary>The network the nodes talk over.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>The nodes that are up, in the order they were added.</summary>
    public IReadOnlyList<ChordKvsNode> LiveNodes => _live;

    /// <summary>A new node (a fresh identity, or <paramref name="identity"/> for a restart), attached to the network but not yet in the ring.</summary>
    public ChordKvsNode NewNode(NodeInfo? identity = null)
    {
        var info = identity ?? NodeInfo.FromAddress($"sim://kv-{_nextAddress++}");
        var node = new ChordKvsNode(info, Network.CreateTransport(info), Options, Scheduler.TimeProvider, new Random(Random.Next()));
        Network.Attach(info, node);
        _live.Add(node);
        return node;
    }

    /// <summary>Starts a cluster of <paramref name="nodes"/> nodes: one creates the ring, the others join through it in turn.</summary>
    public void Start(int nodes)
    {
        NewNode().Create();
        for (var i = 1; i < nodes; i++)
        {
            Join();
        }
    }

    /// <summary>Joins one new node through a random member and runs until the join has finished.</summary>
    public ChordKvsNode Join(NodeInfo? identity = null)
    {
        var via = _live[Random.Next(_live.Count)].Self;
        var node = NewNode(identity);
        Run(() => node.JoinAsync(via));
        return node;
    }

    /// <summary>Crashes a node: it stops at once, loses its memory, and the network drops everything sent to it.</summary>
    public void Crash(ChordKvsNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Dispose();
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>Lets a node hand over its keys and leave, then takes it off the network.</summary>
    public void Leave(ChordKvsNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Run(() => node.LeaveAsync());
        Network.Crash(node.Self.Id);
        _live.Remove(node);
    }

    /// <summary>Runs an operation to completion on the simulation (one virtual minute at most).</summary>
    public T Run<T>(Func<Task<T>> operation) => Scheduler.Run(operation, TimeSpan.FromMinutes(1));

    /// <summary>Runs an operation to completion on the simulation (one virtual minute at most).</summary>
    public void Run(Func<Task> operation) => Scheduler.Run(operation, TimeSpan.FromMinutes(1));

    /// <summary>How many live nodes hold a live value or tombstone for <paramref name="key"/>.</summary>
    public int CopiesOf(string key) => _live.Count(node => node.Store.Get(key) is not null);

    /// <summary>
    /// The nodes that should hold <paramref name="key"/>: its successor and the next live nodes on N − 1 other
    /// physical nodes (addresses), as <see cref="ReplicaSet"/> chooses them from a correct successor list.
    /// </summary>
    public IReadOnlyList<NodeInfo> ExpectedReplicasOf(string key)
    {
        var oracle = new RingOracle(_live.Select(node => node.Self));
        var primary = oracle.Successor(NodeId.ForKey(key));
        return ReplicaSet.Choose(primary, oracle.SuccessorsOf(primary.Id, Options.Ring.SuccessorListLength), Options.Replication.ReplicaCount);
    }

    /// <summary>Null when the live nodes form one correct ring (without checking fingers); else what is wrong.</summary>
    public string? FindRingError()
    {
        var rings = _live.Select(node => node.Ring).ToList();
        return RingConsistency.FindCycleError(rings)
            ?? RingConsistency.FindPointerError(rings, new RingOracle(rings.Select(ring => ring.Self)), Options.Ring.SuccessorListLength, checkFingers: false);
    }

    /// <summary>
    /// Runs virtual time in steps of one second until <paramref name="settled"/> holds (and the ring is correct) or
    /// <paramref name="timeout"/> passes; returns whether it held.
    /// </summary>
    public bool RunUntil(Func<bool> settled, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(settled);
        for (var waited = TimeSpan.Zero; waited <= timeout; waited += TimeSpan.FromSeconds(1))
        {
            if (FindRingError() is null && settled())
            {
                return true;
            }

            Scheduler.RunFor(TimeSpan.FromSeconds(1));
        }

        return false;
    }

    /// <summary>Whether every key in <paramref name="keys"/> is held by exactly its expected replicas (extra copies elsewhere allowed).</summary>
    public bool AllReplicated(IEnumerable<string> keys) =>
        keys.All(key => ExpectedReplicasOf(key).All(replica => _live.First(node => node.Self.Id == replica.Id).Store.Get(key) is not null));

    /// <summary>Keys among <paramref name="keys"/> that some expected replica lacks, for failure messages.</summary>
    public IReadOnlyList<string> UnderReplicated(IEnumerable<string> keys) =>
        [.. keys.Where(key => !AllReplicated([key]))];

    /// <summary>Reads <paramref name="key"/> through <paramref name="node"/>.</summary>
    public KvResult Get(ChordKvsNode node, string key, int? readQuorum = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Run(() => node.GetAsync(key, readQuorum));
    }

    /// <summary>Writes <paramref name="json"/> under <paramref name="key"/> through <paramref name="node"/>.</summary>
    public KvResult Put(ChordKvsNode node, string key, string json, WriteConditions conditions = default, int? writeQuorum = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        return Run(() => node.PutAsync(key, bytes, conditions, writeQuorum));
    }

    /// <summary>Deletes <paramref name="key"/> through <paramref name="node"/>.</summary>
    public KvResult Delete(ChordKvsNode node, string key, WriteConditions conditions = default, int? writeQuorum = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Run(() => node.DeleteAsync(key, conditions, writeQuorum));
    }
}
