namespace ChordKvs.Core.Ring;

/// <summary>A node as other nodes know it: its ring identifier and the address its transport reaches.</summary>
/// <param name="Id">The node's position on the ring.</param>
/// <param name="Address">Where the transport delivers messages for the node (a URL over HTTP, a name on the simulated network).</param>
public sealed record NodeInfo(NodeId Id, string Address)
{
    /// <summary>A node whose identifier is derived from its address, as production nodes are.</summary>
    public static NodeInfo FromAddress(string address, int virtualNodeIndex = 0) => new(NodeId.ForNode(address, virtualNodeIndex), address);

    /// <inheritdoc />
    public override string ToString() => $"{Id}@{Address}";
}
