using Microsoft.AspNetCore.Http;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Answers 401 to any internal request that does not carry the cluster secret, before the endpoint reads
/// its body. Applied to the whole internal route group, so endpoints added to the group later are guarded too.
/// </summary>
internal sealed class ClusterSecretEndpointFilter(SharedSecret secret) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var values = context.HttpContext.Request.Headers[ChordKvsInternalApi.SecretHeaderName];
        if (values.Count == 1 && secret.Matches(values[0]))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Cluster secret missing or wrong",
            detail: values.Count == 0
                ? $"Internal requests must carry the cluster secret in the {ChordKvsInternalApi.SecretHeaderName} header; configure the same secret on every node."
                : $"The {ChordKvsInternalApi.SecretHeaderName} header does not hold this cluster's secret; configure the same secret on every node."));
    }
}
