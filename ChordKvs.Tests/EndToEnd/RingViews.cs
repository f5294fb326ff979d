using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Whether the live nodes' own views (<c>GET /cluster</c> on each) form one ring: every node is a member, its
/// successor is the next live node in identifier order and its predecessor the previous one — one cycle
/// through exactly the live nodes.
/// </summary>
internal static class RingViews
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The live nodes in ring (identifier) order.</summary>
    public static IReadOnlyList<NodeInfo> InRingOrder(IEnumerable<string> urls) =>
        [.. urls.Select(url => NodeInfo.FromAddress(url)).OrderBy(node => node.Id.Value)];

    /// <summary>Null when the views agree; otherwise the first disagreement found.</summary>
    public static async Task<string?> FindDisagreementAsync(HttpClient http, IReadOnlyList<string> liveUrls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var ring = InRingOrder(liveUrls);
        for (var index = 0; index < ring.Count; index++)
        {
            var node = ring[index];
            var successor = ring[(index + 1) % ring.Count];
            var predecessor = ring[(index + ring.Count - 1) % ring.Count];
            NodeStatus? view;
            try
            {
                view = await http.GetFromJsonAsync(new Uri($"{node.Address}/cluster"), ClientApiJsonContext.Default.NodeStatus, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return $"{node.Address}/cluster failed: {ex.Message}";
            }

            if (view is null || view.Status != ChordNodeStatus.Member)
            {
                return $"{node.Address} is {view?.Status.ToString() ?? "silent"}, not a ring member";
            }

            if (view.Successors.IsDefaultOrEmpty || view.Successors[0].Id != successor.Id)
            {
                return $"{node.Address} has successor {(view.Successors.IsDefaultOrEmpty ? "none" : view.Successors[0].Address)}; expected {successor.Address}";
            }

            if (view.Predecessor?.Id != predecessor.Id)
            {
                return $"{node.Address} has predecessor {view.Predecessor?.Address ?? "none"}; expected {predecessor.Address}";
            }
        }

        return null;
    }

    /// <summary>Polls until the views agree (null) or <paramref name="deadline"/> passes (the last disagreement).</summary>
    public static async Task<string?> WaitForAgreementAsync(HttpClient http, Func<IReadOnlyList<string>> liveUrls, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(liveUrls);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var disagreement = await FindDisagreementAsync(http, liveUrls(), cancellationToken);
            if (disagreement is null || clock.Elapsed > deadline)
            {
                return disagreement;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
