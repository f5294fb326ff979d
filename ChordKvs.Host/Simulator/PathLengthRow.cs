namespace ChordKvs.Host.Simulator;

/// <summary>The path lengths measured on one ring size.</summary>
/// <param name="Exponent">k: the ring has 2^k nodes.</param>
/// <param name="Nodes">N = 2^k.</param>
/// <param name="Hops">The hop count of every lookup.</param>
/// <param name="Wrong">Lookups whose answer differed from the oracle (0 on a stable ring).</param>
/// <param name="Failed">Lookups that threw (0 on a stable ring).</param>
/// <param name="Messages">One-way messages the lookups sent.</param>
/// <param name="Wall">The wall time of building the ring and running its lookups.</param>
/// <param name="Cpu">The processor time the process used meanwhile (all threads, garbage collector included); unlike wall time it hardly depends on what else the machine runs.</param>
internal sealed record PathLengthRow(int Exponent, int Nodes, Distribution Hops, long Wrong, long Failed, long Messages, TimeSpan Wall, TimeSpan Cpu)
{
    /// <summary>½·log2 N, the paper's estimate of the mean.</summary>
    public double HalfLog2 => Exponent / 2.0;
}
