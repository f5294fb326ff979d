using System.Diagnostics;
using System.Globalization;
using ChordKvs.Host;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// A ring of <c>chordkvs node</c> processes on loopback sharing one cluster secret, whose members can be killed
/// with SIGKILL and restarted on the same address. Every process's output goes to a log file per slot.
/// </summary>
internal sealed class ProcessCluster : IDisposable
{
    // Generous: on a loaded two-core machine a process has been seen to take over 20 s to start listening.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RestartDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RebindRetryDelay = TimeSpan.FromMilliseconds(250);
    private const int KeptOutputLines = 200;

    private readonly string dll = ChordKvsExecutable.Locate();
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly string logDirectory;
    private readonly List<TextWriter> logs = [];
    private readonly Lock gate = new();

    /// <summary>Creates the cluster's slots; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="size">How many nodes.</param>
    /// <param name="secret">The cluster secret every node is started with.</param>
    /// <param name="environment">Settings for every node, as <c>CHORDKVS_*</c> environment variables.</param>
    /// <param name="logDirectory">Where each slot's log file is written.</param>
    public ProcessCluster(int size, string secret, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        Secret = secret;
        this.environment = environment;
        this.logDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
        Slots = [.. Enumerable.Range(0, size).Select(index => new NodeSlot(index))];
    }

    /// <summary>The cluster secret.</summary>
    public string Secret { get; }

    /// <summary>Every slot, up or down.</summary>
    public IReadOnlyList<NodeSlot> Slots { get; }

    /// <summary>The URLs of the slots whose process runs now.</summary>
    public IReadOnlyList<string> LiveUrls
    {
        get
        {
            lock (gate)
            {
                return [.. Slots.Where(slot => slot.IsUp).Select(slot => slot.Url!)];
            }
        }
    }

    /// <summary>The slots whose process runs now.</summary>
    public IReadOnlyList<NodeSlot> LiveSlots
    {
        get
        {
            lock (gate)
            {
                return [.. Slots.Where(slot => slot.IsUp)];
            }
        }
    }

    /// <summary>
    /// Starts the first node on a free port as a new ring, then the others on free ports joining through it, and
    /// waits until every node's ring walk finds all of them.
    /// </summary>
    public async Task StartAsync(HttpClient client)
    {
        var first = Slots[0];
        Launch(first, port: 0, joinUrl: null);
        first.Url = await first.Process!.WaitForAddressAsync(StartTimeout);
        foreach (var slot in Slots.Skip(1))
        {
            Launch(slot, port: 0, joinUrl: first.Url);
        }

        foreach (var slot in Slots.Skip(1))
        {
            slot.Url = await slot.Process!.WaitForAddressAsync(StartTimeout);
        }

        var notFormed = await RingFormation.WaitAsync(client, [.. Slots.Select(slot => slot.Url!)], 1, StartTimeout, TimeProvider.System, CancellationToken.None);
        Assert.That(notFormed, Is.Null, $"{Slots.Count} processes form one ring: every node's /cluster/nodes finds all of them");
    }

    /// <summary>Kills the slot's process with SIGKILL, as a crash would, and waits until it is gone.</summary>
    public void Kill(NodeSlot slot)
    {
        var process = slot.Process ?? throw new InvalidOperationException($"{slot.Name} is already down.");
        lock (gate)
        {
            slot.Process = null;
        }

        process.Kill();
    }

    /// <summary>
    /// Starts a new process, with empty memory, on the slot's old address, joining the ring through
    /// <paramref name="joinUrl"/>; returns once it listens. Binding is retried for a while, in case the old
    /// port is not free again at once.
    /// </summary>
    public async Task RestartAsync(NodeSlot slot, string joinUrl)
    {
        var port = new Uri(slot.Url!).Port;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var process = Launch(slot, port, joinUrl);
            var (announced, failure) = await process.TryWaitForAddressAsync(RestartDeadline);
            if (announced is not null)
            {
                Assert.That(announced, Is.EqualTo(slot.Url), $"{slot.Name} restarted on its old address");
                return;
            }

            lock (gate)
            {
                slot.Process = null;
            }

            process.Kill();
            if (clock.Elapsed > RestartDeadline)
            {
                Assert.Fail($"{slot.Name} could not be restarted on {slot.Url} within {RestartDeadline.TotalSeconds} s; last attempt: {failure}{Environment.NewLine}{process.RecentOutput()}");
            }

            // It exited before listening, most likely because its old port was not free yet: try again shortly.
            await Task.Delay(RebindRetryDelay);
        }
    }

    /// <summary>The last output of every process each slot has run, for failure messages.</summary>
    public string RecentOutput() =>
        string.Join(Environment.NewLine, Slots.SelectMany(slot => slot.Incarnations.Select(process => process.RecentOutput())))
        + $"{Environment.NewLine}Full node logs: {logDirectory}";

    /// <summary>Kills every process and closes the log files.</summary>
    public void Dispose()
    {
        foreach (var process in Slots.SelectMany(slot => slot.Incarnations))
        {
            process.Dispose();
        }

        foreach (var log in logs)
        {
            log.Dispose();
        }
    }

    private NodeProcess Launch(NodeSlot slot, int port, string? joinUrl)
    {
        var incarnation = slot.Incarnations.Count + 1;
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(logDirectory, $"node-{slot.Index + 1}-run-{incarnation}.log")) { AutoFlush = true });
        logs.Add(log);
        string[] arguments = ["--listen", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"), "--secret", Secret, .. joinUrl is null ? Array.Empty<string>() : ["--join", joinUrl]];
        var process = NodeProcess.Start($"{slot.Name} (run {incarnation})", dll, arguments, environment, KeptOutputLines, log);
        lock (gate)
        {
            slot.Incarnations.Add(process);
            slot.Process = process;
        }

        return process;
    }
}
