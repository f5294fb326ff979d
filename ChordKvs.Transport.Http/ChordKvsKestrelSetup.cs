using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Points Kestrel at <see cref="ChordKvsNodeOptions.ListenAddress"/>, sizes its request-line limit so that
/// any key within <c>MaxKeyBytes</c>, fully percent-encoded, fits, and its request body limit to one value.
/// </summary>
internal sealed class ChordKvsKestrelSetup(IOptions<ChordKvsNodeOptions> nodeOptions) : IConfigureOptions<KestrelServerOptions>
{
    // "PUT /kv/" … "?w=3 HTTP/1.1" and any path base: generous, since the line limit only guards memory.
    private const int RequestLineOverhead = 1024;

    public void Configure(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var node = nodeOptions.Value;

        // The server-wide body limit is one value; the node-to-node endpoint raises its own limit to one hand-off batch.
        options.Limits.MaxRequestBodySize = EndpointLimits.ClientBodyBytes(node.Node);

        // Every key byte can take three characters ("%E2") in the request target.
        var neededLine = (3L * node.Node.Limits.MaxKeyBytes) + RequestLineOverhead;
        if (neededLine > options.Limits.MaxRequestLineSize)
        {
            options.Limits.MaxRequestLineSize = (int)Math.Min(neededLine, int.MaxValue);
            options.Limits.MaxRequestHeadersTotalSize = Math.Max(options.Limits.MaxRequestHeadersTotalSize, options.Limits.MaxRequestLineSize + 16 * 1024);
        }

        if (node.ListenAddress is not { Length: > 0 } listen)
        {
            return;
        }

        if (!NodeAddress.TryParseListen(listen, out var endpoint, out var error))
        {
            throw new OptionsValidationException(nameof(ChordKvsNodeOptions), typeof(ChordKvsNodeOptions), [$"{nameof(ChordKvsNodeOptions.ListenAddress)}: {error}"]);
        }

        if (endpoint.Address is null && endpoint.Port != 0)
        {
            options.ListenLocalhost(endpoint.Port);
        }
        else
        {
            // Kestrel cannot bind "localhost" to a dynamic port (it would need the same port on IPv4 and IPv6).
            options.Listen(endpoint.Address ?? System.Net.IPAddress.Loopback, endpoint.Port);
        }
    }
}
