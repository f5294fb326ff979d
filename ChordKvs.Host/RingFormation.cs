using System.Net.Http.Json;
using System.Text.Json;
using ChordKvs.Transport.Http;

namespace ChordKvs.Host;

/// <summary>
/// Waits until a set of nodes has formed one ring: every node's <c>GET /cluster/nodes</c> finds all of them, each
/// with all its ring members (virtual nodes).
/// </summary>
internal static class RingFormation
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls every node in <paramref name="urls"/> until each one's ring walk finds exactly those nodes, with
    /// <paramref name="membersPerNode"/> ring members each, or the <paramref name="timeout"/> passes.
    /// </summary>
    /// <returns>Null once the ring has formed; otherwise what the last poll saw, for the error message.</returns>
    public static async Task<string?> WaitAsync(HttpClient client, IReadOnlyList<string> urls, int membersPerNode, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(time);
        var expected = urls.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var lastObservation = "no node answered yet";
        while (true)
        {
            var formed = true;
            foreach (var url in urls)
            {
                var seen = await TryDescribeRingAsync(client, url, cancellationToken);
                if (seen.Error is not null || seen.Addresses.Count != urls.Count * membersPerNode || !seen.Addresses.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(expected))
                {
                    lastObservation = seen.Error ?? $"{url} sees {seen.Addresses.Count} ring member(s): {string.Join(", ", seen.Addresses)}";
                    formed = false;
                    break;
                }
            }

            if (formed)
            {
                return null;
            }

            if (time.GetTimestamp() >= deadline)
            {
                return lastObservation;
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private static async Task<(IReadOnlyList<string> Addresses, string? Error)> TryDescribeRingAsync(HttpClient client, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(url + "/cluster/nodes"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ([], $"{url}/cluster/nodes answered {(int)response.StatusCode}");
            }

            var ring = await response.Content.ReadFromJsonAsync(ClientApiJsonContext.Default.RingDescription, cancellationToken);
            return ([.. ring?.Nodes.Select(node => node.Node.Address) ?? []], null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ([], $"{url}/cluster/nodes failed: {ex.Message}");
        }
    }
}
