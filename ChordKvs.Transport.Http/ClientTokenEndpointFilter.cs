using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Answers 401 with <c>WWW-Authenticate: Bearer</c> (RFC 6750) to any client API request that does not carry the
/// configured <see cref="ChordKvsNodeOptions.ClientToken"/> as <c>Authorization: Bearer TOKEN</c>, before the
/// endpoint reads the request. Applied to the whole client API group.
/// </summary>
internal sealed class ClientTokenEndpointFilter(SharedSecret token) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var values = context.HttpContext.Request.Headers.Authorization;
        var presented = values.Count == 1 && values[0] is { } header && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? header[Scheme.Length..].Trim()
            : null;
        if (token.Matches(presented))
        {
            return next(context);
        }

        // Without credentials the challenge carries no error code; with wrong ones, invalid_token (RFC 6750 §3.1).
        context.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = values.Count == 0
            ? "Bearer realm=\"chordkvs\""
            : "Bearer realm=\"chordkvs\", error=\"invalid_token\"";
        return ValueTask.FromResult<object?>(ClientProblems.Create(
            StatusCodes.Status401Unauthorized,
            "Client token missing or wrong",
            values.Count == 0
                ? "This node requires a client token: send it as 'Authorization: Bearer TOKEN'."
                : "The Authorization header does not carry this node's client token as 'Bearer TOKEN'; ask the operator for the current token."));
    }
}
