using System.Text;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// A ChordKvs cluster on a <see cref="SimulatedNetwork"/>: a <see cref="SimulatedRing{TMember}"/> whose members are
/// whole <see cref="ChordKvsNode"/>s, with helpers that run client operations to completion in virtual time and
/// that say where each key should live and where it does.
/// </summary>
public sealed class SimulatedCluster : SimulatedRing<ChordKvsNode>
{
    /// <summary>How much virtual time one client operation may take before the helpers give up on it.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Creates an empty cluster whose network, node identifiers and every random choice derive from <paramref name="seed"/>.</summary>
    public SimulatedCluster(int seed, ChordKvsOptions? options = null, SimulatedNetworkOptions? networkOptions = null)
        : base(seed, (options ??= new ChordKvsOptions()).Ring, networkOptions)
    {
        options.Validate();
        NodeOptions = options;
    }

    /// <summary>The settings every node uses.</summary>
    public ChordKvsOptions NodeOptions { get; }

    /// <summary>Writes <paramref name="json"/> to <paramref name="key"/> through <paramref name="via"/>, running the simulation until it answers.</summary>
    public KvResult Put(ChordKvsNode via, string key, string json, WriteConditions conditions = default, int? writeQuorum = null)
    {
        ArgumentNullException.ThrowIfNull(via);
        ArgumentNullException.ThrowIfNull(json);
        return Scheduler.Run(() => via.PutAsync(key, Encoding.UTF8.GetBytes(json), conditions, writeQuorum), OperationTimeout);
    }

    /// <summary>Reads <paramref name="key"/> through <paramref name="via"/>, running the simulation until it answers.</summary>
    public KvResult Get(ChordKvsNode via, string key, int? readQuorum = null)
    {
        ArgumentNullException.ThrowIfNull(via);
        return Scheduler.Run(() => via.GetAsync(key, readQuorum), OperationTimeout);
    }

    /// <summary>Deletes <paramref name="key"/> through <paramref name="via"/>, running the simulation until it answers.</summary>
    public KvResult Delete(ChordKvsNode via, string key, WriteConditions conditions = default, int? writeQuorum = null)
    {
        ArgumentNullException.ThrowIfNull(via);
        return Scheduler.Run(() => via.DeleteAsync(key, conditions, writeQuorum), OperationTimeout);
    }

    /// <summary>
    /// The nodes that should hold <paramref name="key"/>, by the oracle: the live node responsible for it and the
    /// next N − 1 live nodes (all live nodes when there are fewer than N).
    /// </summary>
    public IReadOnlyList<NodeInfo> ExpectedReplicasOf(string key)
    {
        var oracle = Oracle();
        var primary = oracle.Successor(NodeId.ForKey(key));
        return [primary, .. oracle.SuccessorsOf(primary.Id, NodeOptions.Replication.ReplicaCount - 1)];
    }

    /// <summary>The live nodes whose store holds an entry for <paramref name="key"/> (a value or a tombstone).</summary>
    public IReadOnlyList<ChordKvsNode> HoldersOf(string key) => [.. LiveNodes.Where(node => node.Store.Get(key) is not null)];

    /// <summary>
    /// Null when every key of <paramref name="expected"/> is stored on exactly the nodes that should replicate it, each
    /// copy with the expected value (or a tombstone, where the expected value is null); else the first difference.
    /// </summary>
    /// <param name="expected">Each key with its expected JSON, or null for a deleted key.</param>
    /// <param name="exactly">Whether copies on nodes outside the replica set count as an error.</param>
    public string? FindPlacementError(IEnumerable<KeyValuePair<string, string?>> expected, bool exactly = true)
    {
        ArgumentNullException.ThrowIfNull(expected);
        foreach (var (key, json) in expected)
        {
            var replicas = ExpectedReplicasOf(key);
            var holders = HoldersOf(key);
            foreach (var replica in replicas)
            {
                var node = LiveNodes.First(member => member.Self.Id == replica.Id);
                var entry = node.Store.Get(key);
                if (entry is null)
                {
                    return $"key '{key}' is missing on replica {replica} (expected on [{Names(replicas)}], found on [{Names(holders.Select(holder => holder.Self))}])";
                }

                if (json is null ? !entry.IsTombstone : entry.IsTombstone || Encoding.UTF8.GetString(entry.Value!) != json)
                {
                    return $"key '{key}' on replica {replica} is {entry}, expected {(json is null ? "a tombstone" : json)}";
                }
            }

            if (exactly && holders.Count != replicas.Count)
            {
                return $"key '{key}' has {holders.Count} copies on [{Names(holders.Select(holder => holder.Self))}], expected exactly {replicas.Count} on [{Names(replicas)}]";
            }
        }

        return null;
    }

    /// <summary>
    /// Runs virtual time in steps of <paramref name="checkEvery"/> until <paramref name="findError"/> returns null or
    /// <paramref name="timeout"/> passes; returns null on success, else the last error.
    /// </summary>
    public string? RunUntilNoError(Func<string?> findError, TimeSpan timeout, TimeSpan checkEvery)
    {
        ArgumentNullException.ThrowIfNull(findError);
        var error = findError();
        for (var waited = TimeSpan.Zero; error is not null && waited < timeout; waited += checkEvery)
        {
            Scheduler.RunFor(checkEvery);
            error = findError();
        }

        return error;
    }

    /// <inheritdoc />
    protected override ChordKvsNode CreateMember(NodeInfo info, INodeTransport transport, Random random) =>
        new(info, transport, NodeOptions, Scheduler.TimeProvider, random);

    private static string Names(IEnumerable<NodeInfo> nodes) => string.Join(", ", nodes.Select(node => node.Address));
}
