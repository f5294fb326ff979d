using System.Diagnostics;
using System.Globalization;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Progress lines for long runs, written to standard error so that standard output keeps only the
/// deterministic table. Each line carries the wall time since the run started; lines of one step come at most
/// every two seconds so a terminal is not flooded.
/// </summary>
internal sealed class ProgressReporter
{
    private static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(2);
    private readonly TextWriter _writer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastLine = -MinimumGap;

    /// <summary>Reports to <paramref name="writer"/>; <see cref="TextWriter.Null"/> silences it.</summary>
    public ProgressReporter(TextWriter writer)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
    }

    /// <summary>A reporter that writes nothing, for tests.</summary>
    public static ProgressReporter Silent => new(TextWriter.Null);

    /// <summary>The wall time since the reporter was created.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Writes a line at once: the start or end of a step.</summary>
    public void Say(string message)
    {
        _lastLine = _clock.Elapsed;
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_lastLine.TotalSeconds,7:0.0} s] {message}"));
    }

    /// <summary>Writes a line unless one was written less than two seconds ago: progress within a step.</summary>
    public void Tick(Func<string> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_clock.Elapsed - _lastLine >= MinimumGap)
        {
            Say(message());
        }
    }
}
