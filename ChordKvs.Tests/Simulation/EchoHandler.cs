using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

/// <summary>A test node that answers every <see cref="PingRequest"/> with a <see cref="PingReply"/> naming itself.</summary>
internal sealed class EchoHandler : INodeRequestHandler
{
    private readonly Task<NodeReply> reply;

    public EchoHandler(NodeInfo node)
    {
        Node = node;
        reply = Task.FromResult<NodeReply>(new PingReply(node));
    }

    public NodeInfo Node { get; }

    public int RequestsHandled { get; private set; }

    public Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default)
    {
        if (request is not PingRequest)
        {
            throw new NotSupportedException($"The echo handler answers pings only, not {request.GetType().Name}.");
        }

        RequestsHandled++;
        return reply;
    }
}
