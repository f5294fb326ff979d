using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The nodes this process hosts, by identifier: the internal RPC endpoint hands each request to the handler
/// registered for the node identifier in its path. A process hosting several virtual nodes registers each one.
/// </summary>
/// <remarks>Safe to use from any thread; registrations take effect for the next request.</remarks>
public sealed class LocalNodeRegistry
{
    private readonly ConcurrentDictionary<NodeId, INodeRequestHandler> handlers = new();

    /// <summary>The identifiers of the nodes registered now.</summary>
    public IReadOnlyCollection<NodeId> NodeIds => [.. handlers.Keys];

    /// <summary>Makes <paramref name="handler"/> answer requests addressed to <paramref name="nodeId"/>.</summary>
    /// <exception cref="InvalidOperationException">A handler is already registered for <paramref name="nodeId"/>.</exception>
    public void Register(NodeId nodeId, INodeRequestHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!handlers.TryAdd(nodeId, handler))
        {
            throw new InvalidOperationException($"Node {nodeId} is already hosted by this process; unregister it before registering it again.");
        }
    }

    /// <summary>
    /// Stops answering for <paramref name="nodeId"/>: later requests for it are answered 404, which callers see
    /// as an unreachable node. Returns false when the node was not registered.
    /// </summary>
    public bool Unregister(NodeId nodeId) => handlers.TryRemove(nodeId, out _);

    /// <summary>Finds the handler registered for <paramref name="nodeId"/>.</summary>
    public bool TryGetHandler(NodeId nodeId, [MaybeNullWhen(false)] out INodeRequestHandler handler) =>
        handlers.TryGetValue(nodeId, out handler);
}
