namespace ChordKvs.Host.Simulator;

/// <summary>The lookups measured after one fraction of the nodes failed at once.</summary>
/// <param name="Fraction">The fraction of nodes failed.</param>
/// <param name="FailedNodes">How many nodes failed.</param>
/// <param name="Tally">The lookups' outcomes.</param>
/// <param name="Wall">Wall time of the part.</param>
internal sealed record SimultaneousFailuresRow(double Fraction, int FailedNodes, LookupTally Tally, TimeSpan Wall);
