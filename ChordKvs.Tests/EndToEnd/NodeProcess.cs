using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// One <c>chordkvs node</c> as a separate OS process. Its output is collected for failure messages, and its
/// address is taken from the line it announces once listening (it listens on port 0, so no port is ever raced for).
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    private const int DefaultKeptOutputLines = 60;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly TaskCompletionSource<string> address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int keptOutputLines;
    private readonly TextWriter? logFile;

    private NodeProcess(Process process, string name, int keptOutputLines, TextWriter? logFile)
    {
        this.process = process;
        this.keptOutputLines = keptOutputLines;
        this.logFile = logFile;
        Name = name;
    }

    /// <summary>A name for messages, such as "node 2".</summary>
    public string Name { get; }

    /// <summary>The operating system's process identifier.</summary>
    public int ProcessId => process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Starts <c>dotnet chordkvs.dll node</c> with <paramref name="arguments"/> and extra environment variables.</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="dll">The built chordkvs.dll.</param>
    /// <param name="arguments">The arguments after <c>node</c>.</param>
    /// <param name="environment">Environment variables to set; inherited <c>CHORDKVS_*</c> variables are removed.</param>
    /// <param name="keptOutputLines">How many of the last output lines <see cref="RecentOutput"/> shows.</param>
    /// <param name="logFile">Where every output line is also appended, or null; the caller owns the writer.</param>
    public static NodeProcess Start(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int keptOutputLines = DefaultKeptOutputLines, TextWriter? logFile = null)
    {
        var startInfo = new ProcessStartInfo(ChordKvsExecutable.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        startInfo.ArgumentList.Add("node");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Only the test's settings: nothing inherited may change how the nodes run.
        foreach (var inherited in startInfo.Environment.Keys.Where(key => key.StartsWith("CHORDKVS_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var node = new NodeProcess(process, name, keptOutputLines, logFile);
        process.OutputDataReceived += (_, line) => node.Collect(line.Data, isError: false);
        process.ErrorDataReceived += (_, line) => node.Collect(line.Data, isError: true);
        process.Exited += (_, _) => node.address.TrySetException(new InvalidOperationException($"{name} exited with code {SafeExitCode(process)} before announcing its address."));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The node's base URL, once it has announced it; fails after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAddressAsync(TimeSpan timeout)
    {
        var (url, failure) = await TryWaitForAddressAsync(timeout);
        if (url is null)
        {
            Assert.Fail($"{Name} did not announce its address within {timeout.TotalSeconds} s ({failure}).{Environment.NewLine}{RecentOutput()}");
        }

        return url!;
    }

    /// <summary>The node's base URL once it has announced it, or null and why not: it exited first or <paramref name="timeout"/> passed.</summary>
    public async Task<(string? Url, string? Failure)> TryWaitForAddressAsync(TimeSpan timeout)
    {
        try
        {
            return (await address.Task.WaitAsync(timeout), null);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Kills the process at once with SIGKILL, as a crash would, and waits until it is gone.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput() =>
        $"--- last output of {Name} (pid {SafeProcessId()}) ---{Environment.NewLine}{string.Join(Environment.NewLine, output)}";

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        process.Dispose();
    }

    private void Collect(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        var kept = isError ? "[stderr] " + line : line;
        output.Enqueue(kept);
        while (output.Count > keptOutputLines && output.TryDequeue(out _))
        {
        }

        // The log file's lines carry the time they arrived, to line them up with the test's own schedule.
        logFile?.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {kept}"));

        if (AnnouncementPattern().Match(line) is { Success: true } match)
        {
            address.TrySetResult(match.Groups["url"].Value);
        }
    }

    private string SafeProcessId()
    {
        try
        {
            return process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    [GeneratedRegex(@"^Node [0-9a-f]{16} listening on (?<url>http://\S+)$")]
    private static partial Regex AnnouncementPattern();
}
