using System.Collections.Immutable;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Core.Transport;

/// <summary>
/// A client read forwarded by the node that received it to the node responsible for the key, which
/// coordinates the replicas.
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="ReadQuorum">R for this read, or null for the configured default.</param>
public sealed record CoordinateReadRequest(string Key, int? ReadQuorum) : NodeRequest<ClientResultReply>;

/// <summary>
/// A client write or delete forwarded to the node responsible for the key, which versions it and
/// coordinates the replicas.
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The validated UTF-8 JSON, or null to delete.</param>
/// <param name="Conditions">The write's preconditions.</param>
/// <param name="WriteQuorum">W for this write, or null for the configured default.</param>
/// <param name="ExpiresAt">
/// When the value expires, or null when it does not: an absolute time, fixed by the node that took the request,
/// so that every replica expires the value at the same moment.
/// </param>
/// <param name="StoredBySender">
/// The node that forwarded the write, when it is one of the key's replicas and stores the value itself from the
/// coordinator's answer: the coordinator then sends it no replica write, and counts it among the replicas that hold
/// the write (its client is answered only after it has stored it). Null when the sender keeps no copy.
/// </param>
public sealed record CoordinateWriteRequest(string Key, byte[]? Value, WriteConditions Conditions, int? WriteQuorum, DateTimeOffset? ExpiresAt = null, NodeId? StoredBySender = null) : NodeRequest<ClientResultReply>
{
    /// <summary>Not idempotent: each delivery makes a new version, and a conditional write could fail on the retry.</summary>
    public override bool IsIdempotent => false;
}

/// <summary>The coordinator's answer to a forwarded client operation.</summary>
/// <param name="Result">What the operation came to.</param>
public sealed record ClientResultReply(KvResult Result) : NodeReply;

/// <summary>Stores one versioned entry on a replica; last writer wins, so delivering it twice is harmless.</summary>
/// <param name="Entry">The entry to merge.</param>
public sealed record ReplicaWriteRequest(StoredEntry Entry) : NodeRequest<AckReply>
{
    /// <inheritdoc />
    public override bool IsAnsweredLocally => true;
}

/// <summary>Reads a replica's entry for a key, tombstones included.</summary>
/// <param name="Key">The key.</param>
public sealed record ReplicaReadRequest(string Key) : NodeRequest<ReplicaReadReply>
{
    /// <inheritdoc />
    public override bool IsAnsweredLocally => true;
}

/// <summary>A replica's entry for a key, or null when it holds none.</summary>
/// <param name="Entry">The entry, tombstone or live.</param>
public sealed record ReplicaReadReply(StoredEntry? Entry) : NodeReply;

/// <summary>Asks for the digest of the entries whose key identifiers lie in (<paramref name="FromExclusive"/>, <paramref name="ToInclusive"/>].</summary>
/// <param name="FromExclusive">The arc's start, excluded.</param>
/// <param name="ToInclusive">The arc's end, included.</param>
public sealed record RangeDigestRequest(NodeId FromExclusive, NodeId ToInclusive) : NodeRequest<RangeDigestReply>;

/// <summary>The digest of an arc's entries: equal digests mean equal (key, version) sets.</summary>
/// <param name="Digest">The digest.</param>
public sealed record RangeDigestReply(RangeDigest Digest) : NodeReply;

/// <summary>
/// Asks for one batch of the entries whose key identifiers lie in (<paramref name="FromExclusive"/>,
/// <paramref name="ToInclusive"/>], in ring order.
/// </summary>
/// <param name="FromExclusive">Where the batch starts, excluded (the last key identifier of the previous batch).</param>
/// <param name="ToInclusive">The arc's end, included.</param>
/// <param name="Limit">The most entries wanted; a batch may exceed it only to keep entries of one identifier together.</param>
public sealed record RangeFetchRequest(NodeId FromExclusive, NodeId ToInclusive, int Limit) : NodeRequest<RangeEntriesReply>;

/// <summary>One batch of an arc's entries.</summary>
/// <param name="Entries">The entries, in ring order.</param>
/// <param name="More">Whether entries remain after the last one of this batch.</param>
public sealed record RangeEntriesReply(ImmutableArray<StoredEntry> Entries, bool More) : NodeReply;

/// <summary>Hands a batch of entries to a node, which merges each (last writer wins).</summary>
/// <param name="Entries">The entries.</param>
public sealed record RangePushRequest(ImmutableArray<StoredEntry> Entries) : NodeRequest<AckReply>;

/// <summary>Asks a node to describe itself for <c>GET /cluster/nodes</c>.</summary>
public sealed record DescribeNodeRequest : NodeRequest<NodeStatusReply>;

/// <summary>A node's description of itself.</summary>
/// <param name="Status">The node's view.</param>
public sealed record NodeStatusReply(NodeStatus Status) : NodeReply;
