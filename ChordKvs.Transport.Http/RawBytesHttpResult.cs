using Microsoft.AspNetCore.Http;

namespace ChordKvs.Transport.Http;

/// <summary>A 200 answer whose body is a byte array written as it is: a stored JSON value, or a node reply.</summary>
/// <remarks>
/// In place of <c>TypedResults.Bytes</c>, whose <c>FileContentHttpResult</c> resolves a logger through
/// <see cref="HttpContext.RequestServices"/> on every answer (which creates the request's service scope and its
/// dictionary) and evaluates file preconditions (<c>If-Range</c>, <c>If-Modified-Since</c>) that mean nothing for a
/// value: together a fifth of the objects a single node allocated per GET (docs/performance.md, change 11). The client
/// API's own conditional GET (<c>If-None-Match</c>) is answered by the endpoint before this result is made, and the
/// endpoints' OpenAPI description states the 200 answer itself.
/// </remarks>
/// <param name="body">The body; not copied.</param>
/// <param name="contentType">The body's media type.</param>
internal sealed class RawBytesHttpResult(byte[] body, string contentType) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => contentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, httpContext.RequestAborted);
    }
}
