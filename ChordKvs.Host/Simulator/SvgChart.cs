using System.Globalization;
using System.Security;
using System.Text;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// A line chart written as a standalone SVG document by hand: no script, no stylesheet, no font or library
/// fetched from anywhere, so it renders the same in a browser, an editor preview or on GitHub. Series may carry
/// error bars; the vertical axis starts at zero and gets round tick values.
/// </summary>
internal sealed class SvgChart
{
    private const int Width = 760;
    private const int Height = 440;
    private const int Left = 70;
    private const int Right = 210;
    private const int Top = 48;
    private const int Bottom = 64;
    private static readonly double[] RoundFactors = [1, 2, 2.5, 5, 10];
    private readonly List<ChartSeries> _series = [];

    /// <summary>Creates an empty chart.</summary>
    public SvgChart(string title, ChartAxis xAxis, string yLabel)
    {
        Title = title;
        XAxis = xAxis;
        YLabel = yLabel;
    }

    /// <summary>The title above the plot.</summary>
    public string Title { get; }

    /// <summary>The horizontal axis.</summary>
    public ChartAxis XAxis { get; }

    /// <summary>The title of the vertical axis.</summary>
    public string YLabel { get; }

    /// <summary>The series in drawing (and legend) order.</summary>
    public IReadOnlyList<ChartSeries> Series => _series;

    /// <summary>Adds a series; it is drawn over the ones added before.</summary>
    public SvgChart Add(ChartSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        _series.Add(series);
        return this;
    }

    /// <summary>The chart as an SVG document.</summary>
    public string Render()
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var top = _series.SelectMany(series => series.Points).Select(point => Math.Max(point.Y, point.High ?? point.Y)).DefaultIfEmpty(1).Max();
        var (yMax, yStep) = NiceScale(top);
        double X(double value) => Left + ((value - XAxis.Min) / (XAxis.Max - XAxis.Min) * plotWidth);
        double Y(double value) => Top + plotHeight - (value / yMax * plotHeight);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"  <rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n"));
        svg.Append(Invariant($"  <text x=\"{Left + (plotWidth / 2)}\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(Title)}</text>\n"));

        for (var value = 0.0; value <= yMax + (yStep / 2); value += yStep)
        {
            var y = Y(value);
            svg.Append(Invariant($"  <line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Left + plotWidth}\" y2=\"{F(y)}\" stroke=\"#e3e3e3\"/>\n"));
            svg.Append(Invariant($"  <text x=\"{Left - 8}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Escape(Number(value))}</text>\n"));
        }

        foreach (var (value, label) in XAxis.Ticks)
        {
            var x = X(value);
            svg.Append(Invariant($"  <line x1=\"{F(x)}\" y1=\"{Top}\" x2=\"{F(x)}\" y2=\"{Top + plotHeight}\" stroke=\"#f0f0f0\"/>\n"));
            svg.Append(Invariant($"  <text x=\"{F(x)}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{Escape(label)}</text>\n"));
        }

        svg.Append(Invariant($"  <rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#555555\"/>\n"));
        svg.Append(Invariant($"  <text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 18}\" text-anchor=\"middle\">{Escape(XAxis.Label)}</text>\n"));
        svg.Append(Invariant($"  <text x=\"18\" y=\"{Top + (plotHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {Top + (plotHeight / 2)})\">{Escape(YLabel)}</text>\n"));

        foreach (var series in _series)
        {
            var dash = series.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
            foreach (var point in series.Points.Where(point => point.Low is not null && point.High is not null))
            {
                var x = X(point.X);
                var low = Y(point.Low!.Value);
                var high = Y(point.High!.Value);
                svg.Append(Invariant($"  <path d=\"M{F(x)} {F(low)}V{F(high)}M{F(x - 4)} {F(low)}h8M{F(x - 4)} {F(high)}h8\" stroke=\"{series.Color}\" stroke-width=\"1.2\" fill=\"none\"/>\n"));
            }

            if (series.Connected && series.Points.Count > 1)
            {
                var points = string.Join(' ', series.Points.Select(point => $"{F(X(point.X))},{F(Y(point.Y))}"));
                svg.Append(Invariant($"  <polyline points=\"{points}\" fill=\"none\" stroke=\"{series.Color}\" stroke-width=\"2\"{dash}/>\n"));
            }

            foreach (var point in series.Points)
            {
                svg.Append(Invariant($"  <circle cx=\"{F(X(point.X))}\" cy=\"{F(Y(point.Y))}\" r=\"{(series.Dashed ? 2.5 : 3.5)}\" fill=\"{(series.Dashed ? "#ffffff" : series.Color)}\" stroke=\"{series.Color}\"/>\n"));
            }
        }

        var legendY = Top + 10;
        foreach (var series in _series)
        {
            var dash = series.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
            var legendX = Left + plotWidth + 14;
            if (series.Connected)
            {
                svg.Append(Invariant($"  <line x1=\"{legendX}\" y1=\"{legendY}\" x2=\"{legendX + 24}\" y2=\"{legendY}\" stroke=\"{series.Color}\" stroke-width=\"2\"{dash}/>\n"));
            }

            svg.Append(Invariant($"  <circle cx=\"{legendX + 12}\" cy=\"{legendY}\" r=\"3\" fill=\"{(series.Dashed ? "#ffffff" : series.Color)}\" stroke=\"{series.Color}\"/>\n"));
            svg.Append(Invariant($"  <text x=\"{legendX + 30}\" y=\"{legendY + 4}\">{Escape(series.Name)}</text>\n"));
            legendY += 20;
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>A top of the axis at or above <paramref name="max"/> and a round step that divides it into 4 to 10 parts.</summary>
    private static (double Max, double Step) NiceScale(double max)
    {
        if (max <= 0 || double.IsNaN(max))
        {
            return (1, 0.25);
        }

        var rough = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = RoundFactors.Select(factor => factor * magnitude).First(candidate => candidate >= rough);
        return (Math.Ceiling(max / step) * step, step);
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
