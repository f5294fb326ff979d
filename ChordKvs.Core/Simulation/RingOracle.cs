using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// The brute-force truth about a ring: the sorted identifiers of the live nodes. Tests and the simulator
/// compare what the protocol computed against it.
/// </summary>
public sealed class RingOracle
{
    private readonly NodeInfo[] _sorted;

    /// <summary>Creates the oracle for a set of live nodes.</summary>
    public RingOracle(IEnumerable<NodeInfo> liveNodes)
    {
        ArgumentNullException.ThrowIfNull(liveNodes);
        _sorted = [.. liveNodes.OrderBy(node => node.Id.Value)];
        if (_sorted.Length == 0)
        {
            throw new ArgumentException("An oracle needs at least one live node.", nameof(liveNodes));
        }
    }

    /// <summary>The live nodes in identifier order.</summary>
    public IReadOnlyList<NodeInfo> Nodes => _sorted;

    /// <summary>The first live node at or after <paramref name="id"/>, wrapping around.</summary>
    public NodeInfo Successor(NodeId id)
    {
        var low = 0;
        var high = _sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_sorted[middle].Id.Value < id.Value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return _sorted[low == _sorted.Length ? 0 : low];
    }

    /// <summary>The position of a live node in identifier order.</summary>
    public int IndexOf(NodeId id)
    {
        var index = Array.FindIndex(_sorted, node => node.Id == id);
        return index >= 0 ? index : throw new ArgumentException($"{id} is not a live node.", nameof(id));
    }

    /// <summary>The <paramref name="count"/> live nodes after <paramref name="id"/> (excluding it), nearest first.</summary>
    public IReadOnlyList<NodeInfo> SuccessorsOf(NodeId id, int count)
    {
        var index = IndexOf(id);
        var take = Math.Min(count, _sorted.Length - 1);
        var result = new NodeInfo[take];
        for (var i = 0; i < take; i++)
        {
            result[i] = _sorted[(index + 1 + i) % _sorted.Length];
        }

        return result;
    }

    /// <summary>The live node just before <paramref name="id"/>, or the node itself when it is alone.</summary>
    public NodeInfo PredecessorOf(NodeId id)
    {
        var index = IndexOf(id);
        return _sorted[(index - 1 + _sorted.Length) % _sorted.Length];
    }
}
