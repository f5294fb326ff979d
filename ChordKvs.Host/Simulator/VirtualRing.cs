namespace ChordKvs.Host.Simulator;

/// <summary>
/// The placement arithmetic of the load-balance experiment: virtual node identifiers sorted around the ring, each
/// knowing its physical node, so a key's owner is found by binary search or, for sorted keys, in one sweep.
/// </summary>
internal sealed class VirtualRing
{
    private readonly ulong[] _ids;
    private readonly int[] _owners;

    private VirtualRing(ulong[] ids, int[] owners)
    {
        _ids = ids;
        _owners = owners;
    }

    public static VirtualRing Of(ulong[][] ids, int virtualNodes)
    {
        var nodes = ids[0].Length;
        var all = new ulong[nodes * virtualNodes];
        var owners = new int[all.Length];
        for (var k = 0; k < virtualNodes; k++)
        {
            Array.Copy(ids[k], 0, all, k * nodes, nodes);
            for (var i = 0; i < nodes; i++)
            {
                owners[(k * nodes) + i] = i;
            }
        }

        Array.Sort(all, owners);
        return new VirtualRing(all, owners);
    }

    /// <summary>The physical node owning <paramref name="key"/>: the one whose (virtual) identifier is first at or after it.</summary>
    public int OwnerOf(ulong key)
    {
        var at = Array.BinarySearch(_ids, key);
        if (at < 0)
        {
            at = ~at;
        }

        return _owners[at == _ids.Length ? 0 : at];
    }

    /// <summary>Keys per physical node for keys sorted ascending, in one sweep.</summary>
    public int[] CountSorted(ulong[] sortedKeys, int physicalNodes)
    {
        var counts = new int[physicalNodes];
        var at = 0;
        foreach (var key in sortedKeys)
        {
            while (at < _ids.Length && _ids[at] < key)
            {
                at++;
            }

            counts[_owners[at == _ids.Length ? 0 : at]]++;
        }

        return counts;
    }
}
