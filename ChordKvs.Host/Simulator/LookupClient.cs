using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Runs a lookup the way a client of the store uses it: <see cref="ChordNode.FindSuccessorAsync"/> (the real
/// protocol), then a contact with the node found, falling back along the answer's list past nodes that do not
/// answer, and a check of that node's predecessor pointer.
/// </summary>
/// <remarks>
/// <para>
/// A lookup answers from the last hop's successor list, which may still name a node that has just failed or miss
/// one that has just joined; stabilization fixes both within a round. The store does not act on the list alone: it
/// sends the operation to the first entry, moves to the next when that one does not answer, and the node
/// reached compares the key with its own predecessor (<see cref="RoutingState.OwnsId"/>): a key in
/// (predecessor, self] is its own, anything else belongs to a node between, which a newcomer notified it about.
/// The client here does the same with <see cref="GetNeighborsRequest"/>: each dead entry costs a timeout, each
/// step back to a predecessor a redirect.
/// </para>
/// <para>
/// Both answers are kept in the <see cref="LookupOutcome"/>, so the simulator reports the raw lookup's accuracy
/// beside the client's.
/// </para>
/// </remarks>
internal sealed class LookupClient
{
    private readonly SimulatedNetwork _network;
    private readonly int _maxRedirects;
    private readonly Dictionary<NodeId, INodeTransport> _transports = [];

    /// <summary>Creates a client that sends its checks over <paramref name="network"/> from the node that started each lookup.</summary>
    public LookupClient(SimulatedNetwork network, int maxRedirects = 8)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _maxRedirects = maxRedirects;
    }

    /// <summary>Resolves <paramref name="target"/> from <paramref name="from"/>; never throws for protocol failures, it reports them.</summary>
    public async Task<LookupOutcome> ResolveAsync(ChordNode from, NodeId target)
    {
        ArgumentNullException.ThrowIfNull(from);
        LookupResult result;
        try
        {
            result = await from.FindSuccessorAsync(target);
        }
        catch (LookupFailedException failure)
        {
            return new LookupOutcome(target, failure.Hops, failure.Timeouts, 0, 0, null, null, failure.Message);
        }

        var transport = TransportOf(from);
        var dead = new HashSet<NodeId>();
        var clientTimeouts = 0;
        NodeInfo? answer = null;
        NeighborsReply? neighbors = null;
        foreach (var candidate in result.Successors)
        {
            neighbors = await TryNeighborsAsync(from, transport, candidate);
            if (neighbors is not null)
            {
                answer = candidate;
                break;
            }

            clientTimeouts++;
            dead.Add(candidate.Id);
        }

        if (answer is null || neighbors is null)
        {
            return new LookupOutcome(target, result.Hops, result.Timeouts, clientTimeouts, 0, result.Successor, null, "no node of the answer responded");
        }

        var redirects = 0;
        while (redirects < _maxRedirects
            && neighbors.Predecessor is { } predecessor
            && predecessor.Id != answer.Id
            && !dead.Contains(predecessor.Id)
            && !RingInterval.IsInHalfOpen(target, predecessor.Id, answer.Id))
        {
            var before = await TryNeighborsAsync(from, transport, predecessor);
            if (before is null)
            {
                // A predecessor pointer to a dead node is stale: the node that holds it now covers the gap.
                clientTimeouts++;
                break;
            }

            answer = predecessor;
            neighbors = before;
            redirects++;
        }

        return new LookupOutcome(target, result.Hops, result.Timeouts, clientTimeouts, redirects, result.Successor, answer, null);
    }

    private static async Task<NeighborsReply?> TryNeighborsAsync(ChordNode from, INodeTransport transport, NodeInfo node)
    {
        if (node.Id == from.Self.Id)
        {
            var state = from.Routing;
            return new NeighborsReply(from.Self, state.Predecessor, state.Successors);
        }

        try
        {
            return await transport.CallAsync(node, new GetNeighborsRequest());
        }
        catch (NodeUnreachableException)
        {
            return null;
        }
    }

    private INodeTransport TransportOf(ChordNode node)
    {
        if (!_transports.TryGetValue(node.Self.Id, out var transport))
        {
            transport = _network.CreateTransport(node.Self);
            _transports[node.Self.Id] = transport;
        }

        return transport;
    }
}
