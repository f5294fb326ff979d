using ChordKvs.Core.Replication;

namespace ChordKvs.Transport.Http;

/// <summary>The body of <c>GET /cluster/nodes</c>: every node found by walking the ring from the answering node.</summary>
/// <param name="Count">How many nodes were found.</param>
/// <param name="Nodes">Each node's own view of itself, in ring order starting at the answering node.</param>
public sealed record RingDescription(int Count, IReadOnlyList<NodeStatus> Nodes);
