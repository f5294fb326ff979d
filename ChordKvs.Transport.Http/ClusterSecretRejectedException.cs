namespace ChordKvs.Transport.Http;

/// <summary>
/// A node answered 401 to a node-to-node call: it guards its internal endpoint with a cluster secret other than
/// the one this node sends. Carried as the inner exception of the <see cref="Core.Transport.NodeUnreachableException"/>
/// the call fails with, so that a joining node can tell a permanent refusal from a transient failure.
/// </summary>
internal sealed class ClusterSecretRejectedException(string message) : Exception(message);
