using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Transport;

/// <summary>
/// The only way one ChordKvs node reaches another. Protocol code sends plain request records and
/// receives plain reply records; the HTTP adapter and the simulated network are the two implementations.
/// </summary>
public interface INodeTransport
{
    /// <summary>
    /// Delivers <paramref name="request"/> to <paramref name="target"/> and returns its reply.
    /// </summary>
    /// <exception cref="NodeUnreachableException">
    /// The target did not answer: it is down, partitioned away, the message was lost or the call timed out.
    /// </exception>
    Task<NodeReply> SendAsync(NodeInfo target, NodeRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The receiving side of <see cref="INodeTransport"/>: whatever answers a node's requests.</summary>
public interface INodeRequestHandler
{
    /// <summary>Answers one request from another node.</summary>
    Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Typed helpers over <see cref="INodeTransport"/>.</summary>
public static class NodeTransportExtensions
{
    /// <summary>Sends a request and returns the reply as the type the request promises.</summary>
    public static async Task<TReply> CallAsync<TReply>(this INodeTransport transport, NodeInfo target, NodeRequest<TReply> request, CancellationToken cancellationToken = default)
        where TReply : NodeReply
    {
        ArgumentNullException.ThrowIfNull(transport);
        var reply = await transport.SendAsync(target, (NodeRequest)request, cancellationToken);
        return reply as TReply ?? throw new NodeUnreachableException(target, $"answered {request.GetType().Name} with {reply.GetType().Name} instead of {typeof(TReply).Name}");
    }
}
