using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// One request on the simulated network and the sender's wait for its reply; its task is what
/// <see cref="INodeTransport.SendAsync"/> returns.
/// </summary>
/// <remarks>
/// Deriving from the completion source keeps each request to few allocations. The exchange is the state of
/// every event the request causes (delivery, reply, timeout), all of which use cached static callbacks.
/// </remarks>
internal sealed class SimulatedExchange : TaskCompletionSource<NodeReply>
{
    private Action? handlerCompleted;

    public SimulatedExchange(SimulatedNetwork network, NodeInfo sender, SimulatedNodeState senderState, NodeInfo target, SimulatedNodeState targetState, NodeRequest request)
    {
        Network = network;
        Sender = sender;
        SenderState = senderState;
        SenderIncarnation = senderState.Incarnation;
        Target = target;
        TargetState = targetState;
        Request = request;
    }

    public SimulatedNetwork Network { get; }

    public NodeInfo Sender { get; }

    public SimulatedNodeState SenderState { get; }

    /// <summary>The sender's incarnation when it sent: a reply for an earlier incarnation is dropped.</summary>
    public int SenderIncarnation { get; }

    public NodeInfo Target { get; }

    public SimulatedNodeState TargetState { get; }

    /// <summary>The target's incarnation when its handler took the request: only that incarnation may reply.</summary>
    public int TargetIncarnation { get; set; }

    public NodeRequest Request { get; }

    public bool RequestLost { get; set; }

    /// <summary>The request timeout in force when the request was sent, for the timeout's message.</summary>
    public TimeSpan Timeout { get; set; }

    public NodeReply? Reply { get; set; }

    public bool ReplyLost { get; set; }

    /// <summary>The handler's task while it is still running.</summary>
    public Task<NodeReply>? HandlerTask { get; set; }

    /// <summary>Set once the sender has its answer (reply, timeout, cancellation or handler fault); later events for it are ignored.</summary>
    public bool Finished { get; set; }

    public CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>The continuation that reports a handler's asynchronous completion; created only for handlers that do not finish at once.</summary>
    public Action HandlerCompleted => handlerCompleted ??= () => Network.OnHandlerCompleted(this);
}
