using ChordKvs.Core.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>
/// The readiness of a node (<c>/readyz</c>): it has joined the ring and stabilization has settled around it —
/// its predecessor answers, its successor answers, and that successor's predecessor is this node.
/// </summary>
/// <remarks>
/// Until then the node already answers clients (with 503 while it joins), but a load balancer should prefer
/// nodes whose neighbours agree with them: their lookups and replica sets are the ones the rest of the ring uses.
/// A ring of one node is ready as soon as it is created.
/// </remarks>
internal sealed class RingReadinessCheck(ChordKvsNodeService service, INodeTransport transport) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!service.TryGetMember(out var node, out var reason))
        {
            return HealthCheckResult.Unhealthy(reason);
        }

        var state = node.Ring.Routing;
        if (state.IsAlone)
        {
            return HealthCheckResult.Healthy("This node is the only member of its ring.");
        }

        if (state.Predecessor is not { } predecessor)
        {
            return HealthCheckResult.Unhealthy("This node has no predecessor yet: stabilization has not reached it.");
        }

        try
        {
            await transport.CallAsync(predecessor, new PingRequest(), cancellationToken);
            var successor = await transport.CallAsync(state.Successor, new GetNeighborsRequest(), cancellationToken);
            return successor.Predecessor?.Id == state.Self.Id
                ? HealthCheckResult.Healthy($"Predecessor {predecessor.Address} and successor {state.Successor.Address} answer, and the successor points back to this node.")
                : HealthCheckResult.Unhealthy($"Successor {state.Successor.Address} has {successor.Predecessor?.Address ?? "no node"} as its predecessor, not this node: stabilization has not settled yet.");
        }
        catch (NodeUnreachableException exception)
        {
            return HealthCheckResult.Unhealthy($"A neighbour does not answer: {exception.Message}");
        }
    }
}
