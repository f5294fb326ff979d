using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Host;

/// <summary>
/// <c>chordkvs demo</c>: a local cluster in one process, one web application per node on 127.0.0.1, for a first
/// look. Waits until the nodes form one ring, prints how to talk to them, and on Ctrl-C stops them one by one so
/// that each leaves the ring gracefully.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan BaseFormationTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(ParsedCommand.Demo command, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => StopOnSignal(context, stop));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => StopOnSignal(context, stop));

        // In-process nodes need no secret to reach each other, but one costs nothing and keeps strangers off the RPC port.
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var apps = new List<WebApplication>();
        var urls = new List<string>();
        try
        {
            await output.WriteLineAsync(command.VirtualNodes == 1
                ? $"Starting {command.Nodes} ChordKvs node(s) on 127.0.0.1 ..."
                : $"Starting {command.Nodes} ChordKvs node(s) on 127.0.0.1, {command.VirtualNodes} virtual nodes each ...");
            for (var index = 0; index < command.Nodes; index++)
            {
                var port = command.BasePort == 0 ? 0 : command.BasePort + index;
                var app = NodeApplication.Build(NodeSettings(port, urls.FirstOrDefault(), secret, command.VirtualNodes), handleSignals: false);
                apps.Add(app);
                try
                {
                    await app.StartAsync(stop.Token);
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    await error.WriteLineAsync($"chordkvs demo: cannot listen on 127.0.0.1:{port} ({ex.Message}); choose other ports with --base-port, or --base-port 0 for any free ones.");
                    return ExitCodes.Failure;
                }

                urls.Add(app.Services.GetRequiredService<ChordKvsNodeService>().Self!.Address);
            }

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var timeout = BaseFormationTimeout + TimeSpan.FromSeconds(command.Nodes);
            var notFormed = await RingFormation.WaitAsync(client, urls, command.VirtualNodes, timeout, TimeProvider.System, stop.Token);
            if (notFormed is not null)
            {
                await error.WriteLineAsync($"chordkvs demo: the nodes did not form one ring within {timeout.TotalSeconds:0} s; last seen: {notFormed}");
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync(Describe(apps, urls, command.VirtualNodes));
            await WaitAsync(stop.Token);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        finally
        {
            await StopAllAsync(apps, output);
        }
    }

    private static Dictionary<string, string?> NodeSettings(int port, string? joinUrl, string secret, int virtualNodes) => new()
    {
        [nameof(ChordKvsNodeOptions.VirtualNodes)] = virtualNodes.ToString(CultureInfo.InvariantCulture),
        [nameof(ChordKvsNodeOptions.ListenAddress)] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
        [nameof(ChordKvsNodeOptions.JoinUrl)] = joinUrl,
        [nameof(ChordKvsNodeOptions.ClusterSecret)] = secret,

        // The demo's output is the curl lines; only trouble is logged.
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static string Describe(List<WebApplication> apps, List<string> urls, int virtualNodes)
    {
        var first = urls[0];
        var second = urls[Math.Min(1, urls.Count - 1)];
        var last = urls[^1];
        var lines = new List<string>
        {
            string.Empty,
            virtualNodes == 1 ? $"The ring has formed: {urls.Count} node(s)." : $"The ring has formed: {urls.Count} node(s), {urls.Count * virtualNodes} ring members.",
            string.Empty,
        };
        for (var index = 0; index < apps.Count; index++)
        {
            var members = apps[index].Services.GetRequiredService<ChordKvsNodeService>().Members;
            lines.Add($"  node {index + 1}  {members[0].Self.Address}  (id {string.Join(", ", members.Select(member => member.Self.Id))})");
        }

        lines.AddRange(
        [
            string.Empty,
            "Any node serves any key. Try:",
            string.Empty,
            $"  curl -i -X PUT {first}/kv/users/42 -H 'Content-Type: application/json' -d '{{\"name\":\"Ada\"}}'",
            $"  curl -i {second}/kv/users/42",
            $"  curl -i -X PUT {last}/kv/users/42 -H 'If-Match: \"<ETag from the PUT>\"' -d '{{\"name\":\"Ada Lovelace\"}}'",
            $"  curl -i -X PUT {first}/kv/users/43 -H 'If-None-Match: *' -d '{{\"name\":\"Grace\"}}'",
            $"  curl -i -X DELETE {second}/kv/users/42",
            $"  curl -s {last}/cluster/nodes",
            string.Empty,
            "Press Ctrl-C to stop; every node leaves the ring gracefully.",
        ]);
        return string.Join(Environment.NewLine, lines);
    }

    private static async Task WaitAsync(CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    private static async Task StopAllAsync(List<WebApplication> apps, TextWriter output)
    {
        // One at a time, last started first, so each node hands its keys to a successor that stays.
        for (var index = apps.Count - 1; index >= 0; index--)
        {
            var app = apps[index];
            var self = app.Services.GetRequiredService<ChordKvsNodeService>().Self;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            if (self is not null)
            {
                await output.WriteLineAsync($"Node {self.Address} left.");
            }
        }
    }

    private static void StopOnSignal(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        stop.Cancel();
    }
}
