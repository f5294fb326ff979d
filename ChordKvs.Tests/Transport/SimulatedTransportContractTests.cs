using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// The transport contract over the simulated network: the same cases the HTTP transport passes, with the
/// scheduler's virtual clock driving every call to completion.
/// </summary>
public sealed class SimulatedTransportContractTests : TransportContractTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(500);
    private SimulationScheduler scheduler = new();
    private SimulatedNetwork network = null!;
    private int nextNode;

    protected override TimeSpan FailureDeadline => RequestTimeout * 2;

    [SetUp]
    public void Create_the_network()
    {
        scheduler = new SimulationScheduler();
        network = new SimulatedNetwork(scheduler, new Random(17), new SimulatedNetworkOptions { RequestTimeout = RequestTimeout });
        nextNode = 0;
    }

    protected override Task<IReadOnlyList<NodeInfo>> StartNodesAsync(IReadOnlyList<INodeRequestHandler> handlers)
    {
        var nodes = new List<NodeInfo>();
        foreach (var handler in handlers)
        {
            var node = NodeInfo.FromAddress($"sim://contract-{nextNode++}");
            network.Attach(node, handler);
            nodes.Add(node);
        }

        return Task.FromResult<IReadOnlyList<NodeInfo>>(nodes);
    }

    protected override INodeTransport TransportFor(NodeInfo sender) => network.CreateTransport(sender);

    protected override Task StopNodeAsync(NodeInfo node)
    {
        network.Crash(node.Id);
        return Task.CompletedTask;
    }

    protected override Task StopAllNodesAsync() => Task.CompletedTask;

    /// <summary>Runs virtual time until the call completes; the deadline is virtual too.</summary>
    protected override async Task<T> CompleteWithinAsync<T>(Task<T> pending, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (!scheduler.RunUntil(() => pending.IsCompleted, deadline))
        {
            throw new TimeoutException($"The simulated transport did not complete the call within {deadline} of virtual time.");
        }

        return await pending;
    }
}
