using Microsoft.Extensions.Options;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Rejects <see cref="ChordKvsNodeOptions"/> a node cannot start with, naming the setting, when the host starts
/// rather than when the first request or join attempt trips over it.
/// </summary>
internal sealed class ChordKvsNodeOptionsValidator : IValidateOptions<ChordKvsNodeOptions>
{
    public ValidateOptionsResult Validate(string? name, ChordKvsNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ListenAddress is { Length: > 0 } listen && !NodeAddress.TryParseListen(listen, out _, out var listenError))
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.ListenAddress)}: {listenError}");
        }

        if (options.AdvertisedAddress is { Length: > 0 } advertised && !NodeAddress.TryNormalizeBaseUrl(advertised, out _, out var advertisedError))
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.AdvertisedAddress)}: {advertisedError}");
        }

        if (options.JoinUrl is { Length: > 0 } join && !NodeAddress.TryNormalizeBaseUrl(join, out _, out var joinError))
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.JoinUrl)}: {joinError}");
        }

        if (options.VirtualNodes is < 1 or > 64)
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.VirtualNodes)} must be a whole number from 1 to 64, not {options.VirtualNodes}.");
        }

        if (options.Node is null)
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.Node)} must be set.");
        }
        else
        {
            try
            {
                options.Node.Validate();
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{nameof(ChordKvsNodeOptions.Node)}: {ex.Message}");
            }
        }

        if (options.JoinRetryInitialDelay <= TimeSpan.Zero || options.JoinRetryMaxDelay < options.JoinRetryInitialDelay)
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.JoinRetryInitialDelay)} must be positive and at most {nameof(ChordKvsNodeOptions.JoinRetryMaxDelay)}.");
        }

        if (options.LeaveTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.LeaveTimeout)} must be positive.");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{nameof(ChordKvsNodeOptions.RetryAfter)} must be at least one second (Retry-After counts whole seconds).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
