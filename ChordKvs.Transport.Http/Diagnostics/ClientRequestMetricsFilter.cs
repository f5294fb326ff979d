using ChordKvs.Core.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>
/// Records every request of the <c>/kv</c> group in <c>chordkvs.client.request.duration</c>, by operation and
/// the status code the client finally got, once the response is complete.
/// </summary>
internal sealed class ClientRequestMetricsFilter(ChordKvsMetrics metrics, TimeProvider time) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var started = time.GetTimestamp();

        // Recorded on completion, not when the handler returns: the status code is only final once the result
        // has been written, and the duration then includes writing the body.
        http.Response.OnCompleted(() =>
        {
            metrics.RecordClientRequest(http.Request.Method.ToLowerInvariant(), http.Response.StatusCode, time.GetElapsedTime(started));
            return Task.CompletedTask;
        });
        return next(context);
    }
}
