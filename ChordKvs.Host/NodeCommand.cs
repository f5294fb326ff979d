using ChordKvs.Core.Ring;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChordKvs.Host;

/// <summary><c>chordkvs node</c>: runs one node until Ctrl-C or SIGTERM, then leaves the ring gracefully.</summary>
internal static class NodeCommand
{
    /// <summary>Runs the node; returns the process exit code.</summary>
    public static async Task<int> RunAsync(ParsedCommand.Node command, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        await using var app = NodeApplication.Build(command.Settings);
        if (string.IsNullOrEmpty(app.Configuration[nameof(ChordKvsNodeOptions.ListenAddress)]) && !app.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            await error.WriteLineAsync($"chordkvs node: --listen HOST:PORT is required (or ListenAddress in appsettings.json, or {NodeApplication.EnvironmentPrefix}LISTENADDRESS, or Kestrel:Endpoints for TLS).");
            await error.WriteLineAsync("Run 'chordkvs node --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            await app.StartAsync();
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"chordkvs node: invalid settings: {string.Join(" ", ex.Failures)}");
            return ExitCodes.Usage;
        }
        catch (Exception ex)
        {
            // A port in use, a wildcard listen address without --advertise, ...: the log has the stack trace.
            await error.WriteLineAsync($"chordkvs node: could not start: {ex.Message}");
            return ExitCodes.Failure;
        }

        var service = app.Services.GetRequiredService<ChordKvsNodeService>();
        var self = service.Self!;
        var joinUrl = app.Configuration[nameof(ChordKvsNodeOptions.JoinUrl)];

        // These lines are the node's announcement on stdout, whatever the log settings; scripts and tests read them.
        await output.WriteLineAsync($"Node {self.Id} listening on {self.Address}");
        await output.WriteLineAsync(string.IsNullOrEmpty(joinUrl) ? "Started a new ring." : $"Joining the ring through {joinUrl} ...");
        _ = AnnounceJoinAsync(service, output, string.IsNullOrEmpty(joinUrl));

        await app.WaitForShutdownAsync();
        return service.Joined.IsFaulted ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task AnnounceJoinAsync(ChordKvsNodeService service, TextWriter output, bool created)
    {
        try
        {
            await service.Joined;
            if (!created)
            {
                await output.WriteLineAsync("Joined the ring.");
            }

            // The identifiers of members after the first are chosen as they join, so they are known only now.
            if (service.Members is { Count: > 1 } members)
            {
                await output.WriteLineAsync($"Running {members.Count} virtual nodes: {string.Join(", ", members.Select(member => member.Self.Id))}");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Stopped before joining, or joining is impossible: the service has logged why.
        }
    }
}
