namespace ChordKvs.Core.Ring;

/// <summary>
/// The nodes a node has had as neighbours, most recent last, kept after they leave its routing state so that it
/// can find its way back to them: after a partition heals, each side's ring has dropped the other side's nodes,
/// and probing a remembered node (<see cref="ChordNode.VerifySuccessorThroughAsync"/>) merges the two rings again.
/// Bounded; not thread-safe (one node's maintenance uses it).
/// </summary>
public sealed class KnownPeers
{
    private readonly List<NodeInfo> _peers = [];
    private readonly int _capacity;

    /// <summary>Creates an empty memory of at most <paramref name="capacity"/> nodes.</summary>
    public KnownPeers(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>How many nodes are remembered.</summary>
    public int Count => _peers.Count;

    /// <summary>Remembers the predecessor and successors of <paramref name="state"/>, forgetting the oldest beyond capacity.</summary>
    public void Remember(RoutingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var node in state.Successors.Prepend(state.Predecessor))
        {
            if (node is null || node.Id == state.Self.Id)
            {
                continue;
            }

            _peers.RemoveAll(known => known.Id == node.Id);
            _peers.Add(node);
        }

        if (_peers.Count > _capacity)
        {
            _peers.RemoveRange(0, _peers.Count - _capacity);
        }
    }

    /// <summary>A random remembered node that is not a neighbour in <paramref name="state"/>, or null when there is none.</summary>
    public NodeInfo? PickOutside(RoutingState state, Random random)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        var outside = _peers.Where(node => node.Id != state.Predecessor?.Id && !state.Successors.Any(successor => successor.Id == node.Id)).ToList();
        return outside.Count == 0 ? null : outside[random.Next(outside.Count)];
    }
}
