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
/// A lookup answers from the last hop's successor list, which may still name nodes that have just failed or miss
/// one that has just joined; stabilization fixes both within a round. The store does not act on the list alone: it
/// sends the operation to the first entry and, when that one does not answer, first asks the node the last hop listed
/// before it (<see cref="ChordNode.AskListedPredecessorAsync"/>: that node may already point to a newcomer the last hop's
/// list does not show yet) and otherwise moves to the next entry. If every entry is
/// dead (the last hop's list may have only a short tail beyond the identifier), no live node lies between them on
/// that hop's view, so the client looks up the identifier just after the last dead one. The node reached finally
/// compares the key with its own predecessor, as <see cref="RoutingState.OwnsId"/> does: a key in
/// (predecessor, self] is its own; anything else belongs to a node between, which a newcomer has notified it of, and
/// the client steps back to that predecessor. The client here does all this with <see cref="GetNeighborsRequest"/>:
/// each dead node costs a timeout, each step back a redirect, and asking the listed predecessor one hop.
/// </para>
/// <para>
/// The raw lookup's first answer is kept in the <see cref="LookupOutcome"/> too, so the simulator reports the bare
/// protocol's accuracy beside the client's.
/// </para>
/// </remarks>
internal sealed class LookupClient
{
    private readonly SimulatedNetwork _network;
    private readonly int _maxRedirects;
    private readonly int _maxContinuations;
    private readonly Dictionary<NodeId, INodeTransport> _transports = [];

    /// <summary>Creates a client that sends its checks over <paramref name="network"/> from the node that started each lookup.</summary>
    public LookupClient(SimulatedNetwork network, int maxRedirects = 8, int maxContinuations = 4)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _maxRedirects = maxRedirects;
        _maxContinuations = maxContinuations;
    }

    /// <summary>Resolves <paramref name="target"/> from <paramref name="from"/>; never throws for protocol failures, it reports them.</summary>
    public async Task<LookupOutcome> ResolveAsync(ChordNode from, NodeId target)
    {
        ArgumentNullException.ThrowIfNull(from);
        var transport = TransportOf(from);
        var dead = new HashSet<NodeId>();
        var (hops, lookupTimeouts, clientTimeouts, continuations) = (0, 0, 0, 0);
        NodeInfo? raw = null;
        NodeInfo? answer = null;
        NeighborsReply? neighbors = null;
        var id = target;
        while (answer is null)
        {
            LookupResult result;
            try
            {
                result = await from.FindSuccessorAsync(id);
            }
            catch (LookupFailedException failure)
            {
                return new LookupOutcome(target, hops + failure.Hops, lookupTimeouts + failure.Timeouts, clientTimeouts, 0, continuations, raw, null, failure.Message);
            }

            raw ??= result.Successor;
            hops += result.Hops;
            lookupTimeouts += result.Timeouts;
            var askedAgain = false;
            for (var i = 0; i < result.Successors.Length; i++)
            {
                var candidate = result.Successors[i];
                if (dead.Contains(candidate.Id))
                {
                    continue;
                }

                neighbors = await TryNeighborsAsync(from, transport, candidate);
                if (neighbors is not null)
                {
                    answer = candidate;
                    break;
                }

                clientTimeouts++;
                dead.Add(candidate.Id);
                if (!askedAgain)
                {
                    askedAgain = true;
                    try
                    {
                        if (await from.AskListedPredecessorAsync(result) is { } again)
                        {
                            hops += again.Hops;
                            result = again;
                            i = -1;
                        }
                    }
                    catch (NodeUnreachableException)
                    {
                        clientTimeouts++;
                    }
                }
            }

            if (answer is null)
            {
                if (continuations == _maxContinuations)
                {
                    return new LookupOutcome(target, hops, lookupTimeouts, clientTimeouts, 0, continuations, raw, null, $"every node named by {continuations + 1} lookups was dead");
                }

                continuations++;
                id = new NodeId(unchecked(result.Successors[^1].Id.Value + 1));
            }
        }

        var redirects = 0;
        while (redirects < _maxRedirects
            && neighbors!.Predecessor is { } predecessor
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

        return new LookupOutcome(target, hops, lookupTimeouts, clientTimeouts, redirects, continuations, raw, answer, null);
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
