using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// What every <see cref="INodeTransport"/> must do, whatever carries the messages: each transport's fixture
/// derives from this class, implements the hooks below and inherits every test.
/// </summary>
/// <remarks>
/// <para>Hooks a subclass implements:</para>
/// <list type="bullet">
/// <item><see cref="StartNodesAsync"/> starts one node per handler, each answering with its handler.</item>
/// <item><see cref="TransportFor"/> gives the transport a node sends with (the simulated network needs the
/// sender to apply partitions; the HTTP transport returns the same client for everyone).</item>
/// <item><see cref="StopNodeAsync"/> crashes one node; <see cref="StopAllNodesAsync"/> cleans up after each test.</item>
/// <item><see cref="FailureDeadline"/> bounds how long a call to a stopped or unknown node may take to fail:
/// the transport's configured timeout plus slack for a loaded machine.</item>
/// <item><see cref="CompleteWithinAsync{T}"/> (optional) awaits a call. The default waits in real time; a
/// transport on virtual time overrides it to run its scheduler until the call completes.</item>
/// </list>
/// <para>Every test starts its own nodes, so no state (pooled connections, circuit breakers) leaks between tests.</para>
/// </remarks>
public abstract class TransportContractTests
{
    /// <summary>Starts one node per handler and returns them in the handlers' order.</summary>
    protected abstract Task<IReadOnlyList<NodeInfo>> StartNodesAsync(IReadOnlyList<INodeRequestHandler> handlers);

    /// <summary>The transport <paramref name="sender"/> uses to reach other nodes.</summary>
    protected abstract INodeTransport TransportFor(NodeInfo sender);

    /// <summary>Crashes <paramref name="node"/>: from now on it answers nothing, as if its process had died.</summary>
    protected abstract Task StopNodeAsync(NodeInfo node);

    /// <summary>Stops every node the current test started and releases the transports; runs after every test.</summary>
    protected abstract Task StopAllNodesAsync();

    /// <summary>How long a call to a stopped node or an unknown node may take to fail.</summary>
    protected abstract TimeSpan FailureDeadline { get; }

    /// <summary>How long a call to a live node may take before the test gives up on it; generous, it only stops a hang.</summary>
    protected virtual TimeSpan CallDeadline => TimeSpan.FromSeconds(30);

    /// <summary>
    /// Awaits a call made through the transport. A call that has not completed within
    /// <paramref name="deadline"/> fails with a <see cref="TimeoutException"/>.
    /// </summary>
    protected virtual async Task<T> CompleteWithinAsync<T>(Task<T> pending, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(pending);
        try
        {
            return await pending.WaitAsync(deadline);
        }
        catch (TimeoutException ex) when (!pending.IsCompleted)
        {
            throw new TimeoutException($"The transport did not complete the call within {deadline}.", ex);
        }
    }

    /// <summary>An identifier no started node has, at the address of <paramref name="liveNode"/>.</summary>
    protected virtual NodeInfo UnknownNodeAt(NodeInfo liveNode)
    {
        ArgumentNullException.ThrowIfNull(liveNode);
        return liveNode with { Id = new NodeId(~liveNode.Id.Value) };
    }

    [TearDown]
    public Task Stop_the_nodes_of_the_test() => StopAllNodesAsync();

    private Task<NodeReply> SendAsync(NodeInfo sender, NodeInfo target, NodeRequest request, TimeSpan? deadline = null) =>
        CompleteWithinAsync(TransportFor(sender).SendAsync(target, request), deadline ?? CallDeadline);

    private async Task<(NodeInfo Sender, NodeInfo Receiver)> StartPairAsync(INodeRequestHandler receiverHandler)
    {
        var nodes = await StartNodesAsync([ScriptedHandler.Replying(AckReply.Instance), receiverHandler]);
        Assert.That(nodes, Has.Count.EqualTo(2), "StartNodesAsync must return one node per handler");
        return (nodes[0], nodes[1]);
    }

    [Test]
    public async Task Ping_returns_the_reply_of_the_target_handler()
    {
        NodeInfo? receiver = null;
        var handler = ScriptedHandler.Replying(_ => new PingReply(receiver!));
        (var sender, receiver) = await StartPairAsync(handler);

        var reply = await SendAsync(sender, receiver, new PingRequest());

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo(new PingReply(receiver)));
            Assert.That(handler.Received, Has.Count.EqualTo(1).And.All.InstanceOf<PingRequest>());
        });
    }

    [TestCaseSource(typeof(MessageSamples), nameof(MessageSamples.Cases))]
    public async Task Every_message_round_trips_with_its_fields_intact(MessageSamples.Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var handler = ScriptedHandler.Replying(sample.Reply);
        var (sender, receiver) = await StartPairAsync(handler);

        var reply = await SendAsync(sender, receiver, sample.Request);

        Assert.That(handler.Received, Has.Count.EqualTo(1), "the handler should receive the request exactly once");
        var received = handler.Received.Single();
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.TypeOf(sample.Request.GetType()));
            Assert.That(MessageText.Render(received), Is.EqualTo(MessageText.Render(sample.Request)), "the request as the handler received it");
            Assert.That(reply, Is.TypeOf(sample.Reply.GetType()));
            Assert.That(MessageText.Render(reply), Is.EqualTo(MessageText.Render(sample.Reply)), "the reply as the sender received it");
        });
    }

    [Test]
    public async Task Concurrent_requests_each_get_their_own_reply()
    {
        var handler = ScriptedHandler.Replying(request =>
        {
            var target = ((FindSuccessorStepRequest)request).Target;
            return new FindSuccessorStepReply(true, [new NodeInfo(target, "echo")]);
        });
        var (sender, receiver) = await StartPairAsync(handler);
        var targets = Enumerable.Range(1, 32).Select(i => new NodeId((ulong)i * 0x0101_0101_0101_0101UL)).ToList();

        // One call first, so the burst does not also pay for warming the transport up (JIT, first connection).
        await SendAsync(sender, receiver, new FindSuccessorStepRequest(NodeId.Zero));
        var replies = await Task.WhenAll(targets.Select(target => SendAsync(sender, receiver, new FindSuccessorStepRequest(target))));

        var answered = replies.Select(reply => ((FindSuccessorStepReply)reply).Nodes.Single().Id);
        Assert.Multiple(() =>
        {
            Assert.That(answered, Is.EqualTo(targets), "each call's reply must answer that call's request");
            // A transport may deliver an idempotent request more than once (a retry after a slow attempt), so
            // this checks that every request arrived rather than counting calls.
            Assert.That(handler.Received.Select(request => ((FindSuccessorStepRequest)request).Target), Is.SupersetOf(targets));
        });
    }

    [Test]
    public async Task Request_to_a_stopped_node_fails_as_unreachable()
    {
        var (sender, receiver) = await StartPairAsync(ScriptedHandler.Replying(AckReply.Instance));
        await SendAsync(sender, receiver, new NotifyRequest(sender));

        await StopNodeAsync(receiver);

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => SendAsync(sender, receiver, new NotifyRequest(sender), FailureDeadline));
        Assert.That(exception!.Node, Is.EqualTo(receiver), "the exception names the node that did not answer");
    }

    [Test]
    public async Task Request_to_an_unknown_node_at_a_live_address_fails_as_unreachable()
    {
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var (sender, receiver) = await StartPairAsync(handler);
        var unknown = UnknownNodeAt(receiver);

        var exception = Assert.ThrowsAsync<NodeUnreachableException>(() => SendAsync(sender, unknown, new NotifyRequest(sender), FailureDeadline));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Node, Is.EqualTo(unknown));
            Assert.That(handler.Calls, Is.Zero, "the live node at that address must not receive a request meant for another node");
        });
    }

    [Test]
    public async Task Handler_exception_fails_the_call()
    {
        var handler = ScriptedHandler.Throwing();
        var (sender, receiver) = await StartPairAsync(handler);

        Assert.That(() => SendAsync(sender, receiver, new GetNeighborsRequest(), FailureDeadline), Throws.Exception.Not.TypeOf<TimeoutException>(),
            "a handler that throws must fail the call, not hang it");
        Assert.That(handler.Calls, Is.GreaterThanOrEqualTo(1), "the request reached the handler");
    }
}
