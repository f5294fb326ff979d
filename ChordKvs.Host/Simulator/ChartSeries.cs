namespace ChordKvs.Host.Simulator;

/// <summary>A line of a chart.</summary>
/// <param name="Name">What the legend calls it.</param>
/// <param name="Points">Its points, in drawing order.</param>
/// <param name="Color">An SVG colour.</param>
/// <param name="Dashed">Drawn dashed: reference values (the paper's, a formula) rather than measurements.</param>
/// <param name="Connected">Whether a line joins the points; false for isolated reference points, where a line would invent values between them.</param>
internal sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, string Color, bool Dashed = false, bool Connected = true);
