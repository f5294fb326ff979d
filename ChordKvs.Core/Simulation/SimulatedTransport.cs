using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Simulation;

/// <summary>One node's view of the simulated network: requests it sends come from <see cref="Sender"/>.</summary>
internal sealed class SimulatedTransport : INodeTransport
{
    private readonly SimulatedNetwork network;
    private readonly SimulatedNodeState senderState;

    public SimulatedTransport(SimulatedNetwork network, NodeInfo sender, SimulatedNodeState senderState)
    {
        this.network = network;
        Sender = sender;
        this.senderState = senderState;
    }

    public NodeInfo Sender { get; }

    public Task<NodeReply> SendAsync(NodeInfo target, NodeRequest request, CancellationToken cancellationToken = default) =>
        network.Send(Sender, senderState, target, request, cancellationToken);
}
