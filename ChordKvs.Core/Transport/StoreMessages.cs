using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Core.Transport;

/// <summary>
/// Forwards a client read to the node responsible for the key, which reads it from <paramref name="ReadQuorum"/>
/// replicas. Sent by whichever node the client asked.
/// </summary>
/// <param name="Key">The key, already validated by the node that forwards it.</param>
/// <param name="ReadQuorum">How many replicas must answer (1..N; the coordinator caps it at the replicas that exist).</param>
public sealed record CoordinateReadRequest(string Key, int ReadQuorum) : NodeRequest<ClientResultReply>;

/// <summary>Forwards a client write to the node responsible for the key, which coordinates its replicas.</summary>
/// <param name="Key">The key, already validated.</param>
/// <param name="Value">The UTF-8 JSON value, already validated.</param>
/// <param name="Conditions">The client's preconditions, checked by the coordinator against its own copy.</param>
/// <param name="WriteQuorum">How many replicas must hold the write before it is acknowledged.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1819", Justification = "A message carries the value's bytes as they travel; nobody mutates them.")]
public sealed record CoordinatePutRequest(string Key, byte[] Value, WriteConditions Conditions, int WriteQuorum) : NodeRequest<ClientResultReply>
{
    /// <summary>Not idempotent: a repeated write gets a new version, and a repeated conditional write may fail its condition.</summary>
    [JsonIgnore]
    public override bool IsIdempotent => false;
}

/// <summary>Forwards a client delete to the node responsible for the key, which writes a tombstone on the replicas.</summary>
/// <param name="Key">The key, already validated.</param>
/// <param name="Conditions">The client's preconditions, checked by the coordinator against its own copy.</param>
/// <param name="WriteQuorum">How many replicas must hold the tombstone before the delete is acknowledged.</param>
public sealed record CoordinateDeleteRequest(string Key, WriteConditions Conditions, int WriteQuorum) : NodeRequest<ClientResultReply>
{
    /// <summary>Not idempotent: a repeated delete finds nothing left to delete and answers not-found.</summary>
    [JsonIgnore]
    public override bool IsIdempotent => false;
}

/// <summary>The coordinator's answer to a forwarded client operation.</summary>
/// <param name="Result">What the operation came to, exactly as the client sees it.</param>
public sealed record ClientResultReply(KvResult Result) : NodeReply;

/// <summary>
/// Asks a replica to merge one entry (a coordinator's write, or a read repair). Idempotent: merging is
/// last-writer-wins, so the same entry twice is stored once.
/// </summary>
/// <param name="Entry">The entry, value or tombstone, with its version.</param>
public sealed record ReplicaWriteRequest(StoredEntry Entry) : NodeRequest<AckReply>;

/// <summary>Asks a replica for its copy of a key, tombstone included.</summary>
/// <param name="Key">The key.</param>
public sealed record ReplicaReadRequest(string Key) : NodeRequest<ReplicaReadReply>;

/// <summary>A replica's copy of a key.</summary>
/// <param name="Entry">The entry it holds, a tombstone included; null when it holds none.</param>
public sealed record ReplicaReadReply(StoredEntry? Entry) : NodeReply;

/// <summary>
/// Asks a node for the digests of the arc (<paramref name="FromExclusive"/>, <paramref name="ToInclusive"/>] cut into
/// <paramref name="Segments"/> equal parts (see <see cref="RingArc.Split"/>), so that anti-entropy moves only the parts
/// where two replicas differ.
/// </summary>
/// <param name="FromExclusive">Where the arc starts (excluded).</param>
/// <param name="ToInclusive">Where the arc ends (included); equal bounds mean the whole circle.</param>
/// <param name="Segments">How many equal parts, 1 to <see cref="RingArc.MaxSegments"/>.</param>
public sealed record RangeDigestRequest(NodeId FromExclusive, NodeId ToInclusive, int Segments) : NodeRequest<RangeDigestReply>;

/// <summary>The digests of the parts of an arc, in clockwise order.</summary>
/// <param name="Digests">One digest per part.</param>
public sealed record RangeDigestReply(ImmutableArray<RangeDigest> Digests) : NodeReply;

/// <summary>
/// Where a paged range transfer stopped: the last entry sent, by ring position and then key, the order in which
/// <see cref="VersionedStore.GetRange"/> lists entries.
/// </summary>
/// <param name="KeyId">The last entry's ring position.</param>
/// <param name="Key">The last entry's key, which breaks ties between keys at the same position.</param>
public sealed record RangeCursor(NodeId KeyId, string Key);

/// <summary>
/// Asks a node for one page of the entries it holds, tombstones included, in the arc
/// (<paramref name="FromExclusive"/>, <paramref name="ToInclusive"/>]: how a joining node takes its range over and
/// how anti-entropy reads a replica's side of a part that differs.
/// </summary>
/// <param name="FromExclusive">Where the arc starts (excluded).</param>
/// <param name="ToInclusive">Where the arc ends (included); equal bounds mean the whole circle.</param>
/// <param name="After">Continue after this entry; null for the first page.</param>
/// <param name="Limit">The most entries one page carries.</param>
public sealed record RangeFetchRequest(NodeId FromExclusive, NodeId ToInclusive, RangeCursor? After, int Limit) : NodeRequest<RangeFetchReply>;

/// <summary>One page of a range transfer.</summary>
/// <param name="Entries">The entries, in ring order.</param>
/// <param name="Next">Where the next page starts; null when this was the last page.</param>
public sealed record RangeFetchReply(ImmutableArray<StoredEntry> Entries, RangeCursor? Next) : NodeReply;

/// <summary>
/// Gives a node a batch of entries to merge (last-writer-wins): re-replication, anti-entropy and a leaving node's
/// hand-off all push this way. Idempotent.
/// </summary>
/// <param name="Entries">The entries, values and tombstones.</param>
public sealed record RangePushRequest(ImmutableArray<StoredEntry> Entries) : NodeRequest<AckReply>;

/// <summary>Asks a node to describe itself, for the ring walk behind <c>GET /cluster/nodes</c>.</summary>
public sealed record DescribeNodeRequest : NodeRequest<NodeStatusReply>;

/// <summary>A node's description of itself.</summary>
/// <param name="Status">Its neighbours, fingers and key counts.</param>
public sealed record NodeStatusReply(NodeStatus Status) : NodeReply;
