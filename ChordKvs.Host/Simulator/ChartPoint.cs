namespace ChordKvs.Host.Simulator;

/// <summary>One point of a chart series, with an optional range drawn as an error bar (for example the 1st and 99th percentiles).</summary>
/// <param name="X">The position on the horizontal axis, in the axis's own units.</param>
/// <param name="Y">The value.</param>
/// <param name="Low">The bottom of the error bar, or null for none.</param>
/// <param name="High">The top of the error bar, or null for none.</param>
internal readonly record struct ChartPoint(double X, double Y, double? Low = null, double? High = null);
