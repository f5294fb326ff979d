using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Transport;

/// <summary>A node did not answer a request: it is down, partitioned away, the message was lost or the call timed out.</summary>
public sealed class NodeUnreachableException : Exception
{
    /// <summary>Creates the exception for a node and the reason it could not be reached.</summary>
    public NodeUnreachableException(NodeInfo node, string reason, Exception? innerException = null)
        : base($"Node {node} did not answer: {reason}.", innerException)
    {
        Node = node;
    }

    /// <summary>The node that did not answer.</summary>
    public NodeInfo Node { get; }
}
