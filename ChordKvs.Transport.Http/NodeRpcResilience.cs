using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The Polly pipeline every node-to-node call runs through. It is built once per target authority (see
/// <c>SelectPipelineByAuthority</c>), so each peer has its own circuit breaker.
/// </summary>
internal static class NodeRpcResilience
{
    /// <summary>The name of the resilience handler on the transport's HTTP client.</summary>
    public const string PipelineName = "chordkvs-node-rpc";

    /// <summary>
    /// Carries <see cref="Core.Transport.NodeRequest.IsIdempotent"/> from the transport to the retry predicate on
    /// the <see cref="HttpRequestMessage"/>, which the resilience handler exposes through its context.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> IsIdempotentKey = new("ChordKvs.NodeRequest.IsIdempotent");

    /// <summary>Adds, outermost first: total timeout, retry, circuit breaker, attempt timeout.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, HttpTransportOptions options)
    {
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(IsIdempotent(args.Context) && IsTransientFailure(args.Outcome)),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
            ShouldHandle = static args => ValueTask.FromResult(IsTransientFailure(args.Outcome)),
        });
        builder.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>
    /// Failures that say the peer (or the path to it) is in trouble and that another attempt might not meet:
    /// no connection, no answer in time, 5xx, 408 and 429. A 4xx such as 401 or 404 is an answer, not a fault
    /// of the peer, so it neither retries nor counts against the circuit; an open circuit is not retried either.
    /// </summary>
    public static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } response } => (int)response.StatusCode >= 500
            || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <summary>Whether the request being executed was marked idempotent; unmarked requests are not.</summary>
    public static bool IsIdempotent(ResilienceContext context) =>
        context.GetRequestMessage() is { } request
        && request.Options.TryGetValue(IsIdempotentKey, out var idempotent)
        && idempotent;
}
