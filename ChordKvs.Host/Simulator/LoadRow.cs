namespace ChordKvs.Host.Simulator;

/// <summary>How many keys each node held in one setting of the load-balance experiment, pooled over its repetitions.</summary>
/// <param name="Keys">Keys placed per repetition.</param>
/// <param name="VirtualNodes">Virtual nodes per physical node (1: plain consistent hashing).</param>
/// <param name="Placement">How the virtual nodes were placed (with one, both rules place it alike).</param>
/// <param name="PerNode">Keys per physical node: one sample per node and repetition.</param>
/// <param name="Nodes">Physical nodes.</param>
/// <param name="RunMaxima">The largest load of each repetition: the paper's "maximum" is one run's.</param>
internal sealed record LoadRow(int Keys, int VirtualNodes, PlacementRule Placement, Distribution PerNode, int Nodes, Distribution RunMaxima)
{
    /// <summary>Adds one repetition's keys per node.</summary>
    public void AddRun(int[] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var max = 0;
        foreach (var count in counts)
        {
            PerNode.Add(count);
            max = Math.Max(max, count);
        }

        RunMaxima.Add(max);
    }

    /// <summary>The mean keys per node, K / N.</summary>
    public double Mean => (double)Keys / Nodes;
}
