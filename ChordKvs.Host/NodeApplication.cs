using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Host;

/// <summary>
/// Builds the web application of one node, the same way for <c>chordkvs node</c>, <c>chordkvs demo</c> and the
/// integration tests, so that what is tested is what runs.
/// </summary>
/// <remarks>
/// Configuration, later sources winning: <c>appsettings.json</c> next to the executable, then environment
/// variables starting with <c>CHORDKVS_</c> (prefix removed, <c>__</c> for <c>:</c>), then the settings given
/// here (the command line). Node settings are read from the root (<c>ListenAddress</c>, <c>JoinUrl</c>,
/// <c>Node:Replication:ReplicaCount</c>, …), transport settings from <c>Transport</c>. The host's other default
/// sources (unprefixed environment variables, ASPNETCORE_URLS) are deliberately not read: the listen address
/// is the node's own setting.
/// </remarks>
internal static class NodeApplication
{
    /// <summary>The prefix of the environment variables a node reads.</summary>
    public const string EnvironmentPrefix = "CHORDKVS_";

    /// <summary>
    /// The runtime's switch for socket completions on the socket's event thread; <c>chordkvs</c> turns it on
    /// (<c>Program.cs</c>), and where it is on, Kestrel runs requests on that thread too.
    /// </summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Builds a node's application; start it with <c>StartAsync</c>.</summary>
    /// <param name="settings">Configuration keys that override every other source.</param>
    /// <param name="readEnvironment">Whether to read appsettings.json and <c>CHORDKVS_*</c> variables (tests turn this off).</param>
    /// <param name="configureLogging">Adjusts logging after configuration has been applied.</param>
    /// <param name="handleSignals">Whether Ctrl-C and SIGTERM stop the application; false when its owner stops it.</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, bool readEnvironment = true, Action<ILoggingBuilder>? configureLogging = null, bool handleSignals = true)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        var inlineCompletions = Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable) == "1";
        builder.Configuration.AddInMemoryCollection(Defaults(inlineCompletions));
        if (readEnvironment)
        {
            builder.Configuration
                .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix);
        }

        builder.Configuration.AddInMemoryCollection(settings);

        // The slim builder leaves out HTTPS; this lets an operator serve TLS through Kestrel's own configuration
        // (Kestrel:Endpoints with a certificate, see docs/operations.md) instead of --listen.
        builder.WebHost.UseKestrelHttpsConfiguration();

        // With inline socket completions, Kestrel also runs each request (and each peer-stream message) on the socket's
        // event thread instead of queueing it to the thread pool, and a node-to-node call's caller resumes on the thread
        // that received the reply (Defaults): a thread hop less each, which on two shared cores is a wake-up and a context
        // switch (docs/performance.md). Safe because nothing on a node's request path blocks a thread; all three
        // settings follow the one variable.
        if (inlineCompletions)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }

        configureLogging?.Invoke(builder.Logging);

        builder.Services.AddOptions<ChordKvsNodeOptions>().Bind(builder.Configuration);
        builder.Services.AddOptions<HttpTransportOptions>().Bind(builder.Configuration.GetSection("Transport"));
        builder.Services.AddChordKvs();
        if (!handleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, DetachedLifetime>();
        }

        var app = builder.Build();
        app.UseExceptionHandler();

        // Bare error answers (404 for a path no endpoint serves, 405 for a method a route does not take) get a
        // problem+json body. Every error of the client API carries its own already, and chordkvs adds nothing to that
        // API that answers without one, so its endpoints are marked to skip status-code pages, and the middleware is
        // left out for them rather than switched off: it costs every request a feature object and an async step,
        // several percent of a single node's CPU per GET (docs/performance.md, change 11).
        app.UseWhen(static context => context.GetEndpoint()?.Metadata.GetMetadata<ISkipStatusCodePagesMetadata>() is null, static branch => branch.UseStatusCodePages());
        app.UseRequestTimeouts();
        app.MapChordKvs().WithMetadata(new SkipStatusCodePagesAttribute());
        return app;
    }

    /// <summary>Settings every other source overrides.</summary>
    private static Dictionary<string, string?> Defaults(bool inlineCompletions)
    {
        var defaults = new Dictionary<string, string?>
        {
            // While this category is enabled at any level, ASP.NET Core starts an Activity and a logging scope for every
            // request, and the Activity (an AsyncLocal) makes every await of the request carry a changed execution
            // context: a single node spent 29-32 us of CPU per GET with the category at Warning, 20-24 us with it off
            // (docs/performance.md). It logs only "Request starting/finished", at Information, below the Warning that
            // appsettings.json sets for Microsoft.AspNetCore anyway; an operator who wants those sets the category
            // back. An ActivityListener (OpenTelemetry tracing) still gets an Activity per request.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
        };

        if (inlineCompletions)
        {
            // The node's own code never blocks a thread after a reply.
            defaults["Transport:" + nameof(HttpTransportOptions.CompleteRepliesInline)] = "true";
        }

        return defaults;
    }
}
