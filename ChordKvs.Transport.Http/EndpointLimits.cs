using ChordKvs.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The request body limits and the request timeout of a node's endpoints, derived from its settings so that they
/// stay consistent with the store's own limits.
/// </summary>
internal static class EndpointLimits
{
    // JSON framing of one entry in a node message besides its key and base64 value: names, version, purge time.
    private const int EntryOverheadBytes = 512;

    // The message envelope around a batch of entries.
    private const int MessageOverheadBytes = 4096;

    /// <summary>
    /// The largest client request body: one value. One byte over the value limit, so that the client API's own
    /// check (which answers 413 as problem+json) sees an oversized chunked body before the server cuts it off.
    /// </summary>
    public static long ClientBodyBytes(ChordKvsOptions node) => (long)node.Limits.MaxValueBytes + 1;

    /// <summary>
    /// The largest node-to-node request body: a range hand-off batch of <c>TransferBatchSize</c> entries, each
    /// with a key of up to <c>MaxKeyBytes</c> (JSON-escaped, up to six characters a byte) and a value of up to
    /// <c>MaxValueBytes</c> (base64, four characters per three bytes); or a request batch, which stops growing at
    /// <see cref="NodeRpcBatchFormat.MaxRequestBytes"/> plus the one request that took it past that.
    /// </summary>
    public static long NodeBodyBytes(ChordKvsOptions node)
    {
        var entry = (((long)node.Limits.MaxValueBytes + 2) / 3 * 4) + (6L * node.Limits.MaxKeyBytes) + EntryOverheadBytes;
        return (entry * node.Replication.TransferBatchSize) + MessageOverheadBytes + NodeRpcBatchFormat.MaxRequestBytes;
    }

    /// <summary>
    /// The request-timeout policy of every endpoint: after <paramref name="timeout"/> the request is cancelled and
    /// answered 504 as <c>application/problem+json</c>.
    /// </summary>
    public static RequestTimeoutPolicy TimeoutPolicy(TimeSpan timeout) => new()
    {
        Timeout = timeout,
        TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        WriteTimeoutResponse = context => context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status504GatewayTimeout,
                Title = "Request timed out",
                Detail = $"The node could not answer within its request timeout of {timeout.TotalSeconds:0.###} s; the ring may be reorganising after failures. Retry shortly.",
            },
        }).AsTask(),
    };
}
