using Microsoft.Extensions.Options;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Rejects <see cref="HttpTransportOptions"/> that the resilience pipeline would refuse later, with a message
/// that names the setting, when the options are first read rather than on the first call to a peer.
/// </summary>
internal sealed class HttpTransportOptionsValidator : IValidateOptions<HttpTransportOptions>
{
    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MinimumBreakerWindow = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, HttpTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ClusterSecret is { Length: > 0 } secret && secret.Any(c => c is < '!' or > '~'))
        {
            failures.Add($"{nameof(HttpTransportOptions.ClusterSecret)} must consist of printable ASCII characters without spaces (use a base64 or hex string).");
        }

        CheckRange(failures, nameof(HttpTransportOptions.AttemptTimeout), options.AttemptTimeout, MinimumTimeout, Day);
        CheckRange(failures, nameof(HttpTransportOptions.TotalTimeout), options.TotalTimeout, MinimumTimeout, Day);
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add($"{nameof(HttpTransportOptions.TotalTimeout)} ({options.TotalTimeout}) must not be shorter than {nameof(HttpTransportOptions.AttemptTimeout)} ({options.AttemptTimeout}).");
        }

        if (options.MaxBatchesInFlightPerPeer is < 1 or > 1000)
        {
            failures.Add($"{nameof(HttpTransportOptions.MaxBatchesInFlightPerPeer)} must be between 1 and 1000; it is {options.MaxBatchesInFlightPerPeer}.");
        }

        if (options.MaxRetryAttempts is < 0 or > 100)
        {
            failures.Add($"{nameof(HttpTransportOptions.MaxRetryAttempts)} must be between 0 and 100; it is {options.MaxRetryAttempts}.");
        }

        CheckRange(failures, nameof(HttpTransportOptions.RetryBaseDelay), options.RetryBaseDelay, TimeSpan.Zero, Day);
        if (!(options.CircuitBreakerFailureRatio is > 0 and <= 1))
        {
            failures.Add($"{nameof(HttpTransportOptions.CircuitBreakerFailureRatio)} must be greater than 0 and at most 1; it is {options.CircuitBreakerFailureRatio}.");
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add($"{nameof(HttpTransportOptions.CircuitBreakerMinimumThroughput)} must be at least 2; it is {options.CircuitBreakerMinimumThroughput}.");
        }

        CheckRange(failures, nameof(HttpTransportOptions.CircuitBreakerSamplingDuration), options.CircuitBreakerSamplingDuration, MinimumBreakerWindow, Day);
        CheckRange(failures, nameof(HttpTransportOptions.CircuitBreakerBreakDuration), options.CircuitBreakerBreakDuration, MinimumBreakerWindow, Day);
        if (options.PooledConnectionLifetime <= TimeSpan.Zero && options.PooledConnectionLifetime != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{nameof(HttpTransportOptions.PooledConnectionLifetime)} must be positive or infinite; it is {options.PooledConnectionLifetime}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRange(List<string> failures, string setting, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum || value > maximum)
        {
            failures.Add($"{setting} must be between {minimum} and {maximum}; it is {value}.");
        }
    }
}
