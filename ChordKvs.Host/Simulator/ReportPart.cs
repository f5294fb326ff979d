namespace ChordKvs.Host.Simulator;

/// <summary>One table of an experiment with its chart: written as &lt;stem&gt;.csv and &lt;stem&gt;.svg.</summary>
/// <param name="FileStem">The file name without extension.</param>
/// <param name="Title">The heading printed above the table.</param>
/// <param name="Table">The measured values (and the paper's, where it gives them).</param>
/// <param name="Chart">The chart of the table.</param>
/// <param name="Notes">Lines printed under the table: what the columns mean, where the paper's values come from.</param>
internal sealed record ReportPart(string FileStem, string Title, ResultTable Table, SvgChart Chart, IReadOnlyList<string> Notes);
