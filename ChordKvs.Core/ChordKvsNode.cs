using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Core;

/// <summary>
/// A ChordKvs node: a <see cref="ChordNode"/> for the ring, a <see cref="VersionedStore"/> for the keys it holds,
/// and the replication that keeps each key on N nodes. Any node serves any key: it looks up the responsible node
/// and forwards the operation there; the responsible node coordinates the replicas.
/// </summary>
public sealed partial class ChordKvsNode : INodeRequestHandler, IDisposable
{
    /// <summary>Creates a node that is not yet in a ring; call <see cref="Create"/> or <see cref="JoinAsync"/>.</summary>
    /// <param name="self">This node's identifier and address.</param>
    /// <param name="transport">How this node reaches others.</param>
    /// <param name="options">Ring, replication and limit settings; validated here.</param>
    /// <param name="time">The clock for maintenance, versions and tombstone expiry.</param>
    /// <param name="random">The seeded source of every random choice.</param>
    /// <param name="loggerFactory">Where the node logs; nothing is logged when null.</param>
    public ChordKvsNode(NodeInfo self, INodeTransport transport, ChordKvsOptions options, TimeProvider time, Random random, ILoggerFactory? loggerFactory = null)
    {
        throw new NotImplementedException();
    }

    /// <summary>This node's identifier and address.</summary>
    public NodeInfo Self => throw new NotImplementedException();

    /// <summary>The ring membership and routing of this node.</summary>
    public ChordNode Ring => throw new NotImplementedException();

    /// <summary>The entries this node holds, as primary or replica.</summary>
    public VersionedStore Store => throw new NotImplementedException();

    /// <summary>Starts a new ring with this node alone in it.</summary>
    public void Create() => throw new NotImplementedException();

    /// <summary>Joins the ring through <paramref name="bootstrap"/> and takes over this node's range from its successor.</summary>
    public Task JoinAsync(NodeInfo bootstrap, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Hands this node's keys to its successor, then leaves the ring gracefully.</summary>
    public Task LeaveAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Reads a key, consulting <paramref name="readQuorum"/> replicas (default: the configured R) and returning the newest version.</summary>
    public Task<KvResult> GetAsync(string key, int? readQuorum = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Writes a JSON value (validated here), acknowledged once <paramref name="writeQuorum"/> replicas hold it (default: the configured W).</summary>
    public Task<KvResult> PutAsync(string key, ReadOnlyMemory<byte> utf8Json, WriteConditions conditions = default, int? writeQuorum = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Deletes a key by writing a tombstone, acknowledged once <paramref name="writeQuorum"/> replicas hold it.</summary>
    public Task<KvResult> DeleteAsync(string key, WriteConditions conditions = default, int? writeQuorum = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>This node's own view: neighbours, fingers and key counts.</summary>
    public NodeStatus Describe() => throw new NotImplementedException();

    /// <summary>Every node found by walking successor pointers from this one, each describing itself.</summary>
    public Task<IReadOnlyList<NodeStatus>> DescribeRingAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Stops all background work at once, as a crash would.</summary>
    public void Dispose() => throw new NotImplementedException();
}
