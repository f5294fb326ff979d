using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ChordKvs.Transport.Http;

/// <summary>
/// A successful answer written as it is: a status, a <c>Location</c> when there is one, and a body of bytes or none
/// (a stored JSON value, a node reply; 201, 204 and 304 have none).
/// </summary>
/// <remarks>
/// In place of <c>TypedResults.Bytes</c>, <c>Created</c>, <c>NoContent</c> and <c>StatusCode</c>, each of which resolves
/// a logger through <see cref="HttpContext.RequestServices"/> on every answer, and so creates the request's service
/// scope (the scope, its feature object and a dictionary); <c>FileContentHttpResult</c> also evaluates file
/// preconditions (<c>If-Range</c>, <c>If-Modified-Since</c>) that mean nothing for a value. Together these were a fifth
/// of the objects a single node allocated per GET (docs/performance.md, change 11). The client API answers its own
/// <c>If-None-Match</c> before making the result, and its OpenAPI description states every answer itself
/// (<see cref="ClientApiDocumentation"/>), so nothing is lost.
/// </remarks>
internal sealed class PlainHttpResult : IResult, IStatusCodeHttpResult
{
    private readonly byte[]? body;
    private readonly string? contentType;
    private readonly string? location;

    private PlainHttpResult(int statusCode, byte[]? body, string? contentType, string? location)
    {
        StatusCode = statusCode;
        this.body = body;
        this.contentType = contentType;
        this.location = location;
    }

    /// <inheritdoc />
    public int? StatusCode { get; }

    /// <summary>200 with <paramref name="body"/> (not copied) as <paramref name="contentType"/>.</summary>
    public static PlainHttpResult Ok(byte[] body, string contentType) => new(StatusCodes.Status200OK, body, contentType, null);

    /// <summary>201 with the created resource's <paramref name="location"/>.</summary>
    public static PlainHttpResult Created(string location) => new(StatusCodes.Status201Created, null, null, location);

    /// <summary>204.</summary>
    public static PlainHttpResult NoContent { get; } = new(StatusCodes.Status204NoContent, null, null, null);

    /// <summary>304.</summary>
    public static PlainHttpResult NotModified { get; } = new(StatusCodes.Status304NotModified, null, null, null);

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode!.Value;
        if (location is not null)
        {
            response.Headers[HeaderNames.Location] = location;
        }

        if (body is null)
        {
            return Task.CompletedTask;
        }

        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, httpContext.RequestAborted);
    }
}
