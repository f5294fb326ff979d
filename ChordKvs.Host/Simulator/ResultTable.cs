using System.Globalization;
using System.Text;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// A table of results, rendered as aligned plain text for the terminal and as CSV for files. Cells are text
/// already formatted with the invariant culture, so the same run always gives byte-identical output.
/// </summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [];

    /// <summary>Creates an empty table with the given column headings.</summary>
    public ResultTable(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        }

        Columns = columns;
    }

    /// <summary>The column headings.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows added so far.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    /// <summary>Adds a row: one value per column, numbers formatted invariantly (doubles with three decimals unless already text).</summary>
    public void Add(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException($"The table has {Columns.Count} columns; the row has {cells.Length} cells.", nameof(cells));
        }

        _rows.Add([.. cells.Select(Format)]);
    }

    /// <summary>The table as aligned columns, numbers right-aligned, with a rule under the headings.</summary>
    public string ToText()
    {
        var widths = Columns.Select((column, i) => Math.Max(column.Length, _rows.Count == 0 ? 0 : _rows.Max(row => row[i].Length))).ToArray();
        var text = new StringBuilder();
        AppendLine(text, Columns, widths, header: true);
        text.Append(string.Join("  ", widths.Select(width => new string('-', width)))).Append('\n');
        foreach (var row in _rows)
        {
            AppendLine(text, row, widths, header: false);
        }

        return text.ToString();
    }

    /// <summary>The table as RFC 4180 CSV with a heading row and LF line ends.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns.Select(Quote))).Append('\n');
        foreach (var row in _rows)
        {
            csv.Append(string.Join(',', row.Select(Quote))).Append('\n');
        }

        return csv.ToString();
    }

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> cells, int[] widths, bool header)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            var alignLeft = header ? i == 0 : !LooksNumeric(cells[i]);
            line.Append(alignLeft ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }

    private static bool LooksNumeric(string cell) =>
        cell.Length > 0 && (char.IsDigit(cell[0]) || (cell[0] is '-' or '+' && cell.Length > 1 && char.IsDigit(cell[1])));

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;

    private static string Format(object? cell) => cell switch
    {
        null => "-",
        string text => text,
        double value => value.ToString("0.000", CultureInfo.InvariantCulture),
        float value => value.ToString("0.000", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? string.Empty,
    };
}
