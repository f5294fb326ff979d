namespace ChordKvs.Host.Simulator;

/// <summary>The horizontal axis of a chart: its range and labelled ticks, in the units the points use.</summary>
/// <remarks>
/// A logarithmic axis is drawn by giving the points' logarithms as X and labelling the ticks with the original
/// values, so the chart itself only ever maps linearly.
/// </remarks>
/// <param name="Label">The axis title.</param>
/// <param name="Min">The left end.</param>
/// <param name="Max">The right end.</param>
/// <param name="Ticks">The ticks: a position and its label.</param>
internal sealed record ChartAxis(string Label, double Min, double Max, IReadOnlyList<(double Value, string Label)> Ticks);
