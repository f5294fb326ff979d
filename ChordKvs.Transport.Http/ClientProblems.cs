using System.Globalization;
using ChordKvs.Core.Replication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The <c>application/problem+json</c> answers (RFC 9457) of the client API, and the one place where a
/// <see cref="KvOutcome"/> that is not a success becomes a status code.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>outcome</term><description>status</description></listheader>
/// <item><term><see cref="KvOutcome.NotFound"/></term><description>404</description></item>
/// <item><term><see cref="KvOutcome.PreconditionFailed"/></term><description>412, with the current <c>ETag</c> when the key has a value</description></item>
/// <item><term><see cref="KvOutcome.Invalid"/></term><description>400</description></item>
/// <item><term><see cref="KvOutcome.TooLarge"/></term><description>413 for a value, 400 for a key</description></item>
/// <item><term><see cref="KvOutcome.Unavailable"/></term><description>503 with <c>Retry-After</c></description></item>
/// <item><term><see cref="KvOutcome.LookupTimedOut"/></term><description>504</description></item>
/// </list>
/// </remarks>
internal static class ClientProblems
{
    /// <summary>A problem answer; <paramref name="key"/>, when given, is added as the <c>key</c> member.</summary>
    public static ProblemHttpResult Create(int statusCode, string title, string detail, string? key = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: statusCode,
            title: title,
            extensions: key is null ? null : new Dictionary<string, object?> { ["key"] = key });

    /// <summary>400 Bad Request.</summary>
    public static ProblemHttpResult BadRequest(string title, string detail, string? key = null) =>
        Create(StatusCodes.Status400BadRequest, title, detail, key);

    /// <summary>503 Service Unavailable with <c>Retry-After</c>: the client should retry later or elsewhere.</summary>
    public static ProblemHttpResult Unavailable(HttpContext context, TimeSpan retryAfter, string title, string detail, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status503ServiceUnavailable, title, detail, key);
    }

    /// <summary>The answer for a result that is not a success of the operation.</summary>
    /// <param name="context">The request, for headers the answer carries.</param>
    /// <param name="result">What the node answered.</param>
    /// <param name="key">The key the request named.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> of a 503.</param>
    /// <param name="hasValue">Whether the request carried a value, so that "too large" means the value (413) rather than the key (400).</param>
    public static ProblemHttpResult ForFailure(HttpContext context, KvResult result, string key, TimeSpan retryAfter, bool hasValue)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Outcome)
        {
            case KvOutcome.NotFound:
                return Create(StatusCodes.Status404NotFound, "Key not found",
                    result.Problem ?? "No value is stored under this key: it was never written, or it has been deleted.", key);
            case KvOutcome.PreconditionFailed:
                if (result.Version is { } current)
                {
                    context.Response.Headers[HeaderNames.ETag] = current.ToETag();
                }

                return Create(StatusCodes.Status412PreconditionFailed, "Precondition failed",
                    result.Problem ?? (result.Version is null
                        ? "The key has no value, so the request's If-Match condition does not hold; nothing was changed."
                        : "The key's current version does not satisfy the request's If-Match or If-None-Match condition; nothing was changed. The ETag header carries the current version: read the value again, then retry with that ETag."),
                    key);
            case KvOutcome.Invalid:
                return BadRequest("Invalid request", result.Problem ?? "The node rejected the request as malformed.", key);
            case KvOutcome.TooLarge when hasValue:
                return Create(StatusCodes.Status413PayloadTooLarge, "Value too large", result.Problem ?? "The value exceeds the configured size limit.", key);
            case KvOutcome.TooLarge:
                return BadRequest("Key too long", result.Problem ?? "The key exceeds the configured size limit.", key);
            case KvOutcome.Unavailable:
                return Unavailable(context, retryAfter, "Replicas unavailable",
                    result.Problem ?? string.Create(CultureInfo.InvariantCulture, $"Only {result.Acknowledged} of the {result.Required} replicas the quorum needs answered; retry later, or lower the quorum with ?w= or ?r=."),
                    key);
            case KvOutcome.LookupTimedOut:
                return Create(StatusCodes.Status504GatewayTimeout, "Lookup timed out",
                    result.Problem ?? "The node responsible for the key could not be found before the lookup deadline; the ring may be reorganising after failures. Retry shortly.",
                    key);
            default:
                throw new InvalidOperationException($"{result.Outcome} is not a failure this operation can report.");
        }
    }
}
