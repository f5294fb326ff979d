using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Counts the copies of each key by asking every live node directly for its own entry (the internal
/// <see cref="ReplicaReadRequest"/>, sent with the cluster secret), and compares them with where the key belongs:
/// its successor on the ring of live nodes and the next N − 1 nodes.
/// </summary>
internal sealed class ReplicaCensus(INodeTransport transport, int replicaCount)
{
    /// <summary>What one census found.</summary>
    /// <param name="LiveKeys">Keys whose newest entry on any node is a live value.</param>
    /// <param name="UnderReplicated">One line per live key that lacks its newest version on some of its N nodes.</param>
    public sealed record Result(int LiveKeys, IReadOnlyList<string> UnderReplicated);

    /// <summary>Takes a census of <paramref name="keys"/> over the nodes at <paramref name="liveUrls"/>.</summary>
    public async Task<Result> TakeAsync(IReadOnlyList<string> liveUrls, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var ring = RingViews.InRingOrder(liveUrls).ToList();
        var copies = await Task.WhenAll(ring.Select(node => ReadAllAsync(node, keys, cancellationToken)));
        var liveKeys = 0;
        var underReplicated = new List<string>();
        foreach (var (key, keyIndex) in keys.Select((key, index) => (key, index)))
        {
            var newest = copies.Select(entries => entries[keyIndex].Entry).Where(entry => entry is not null).MaxBy(entry => entry!.Version);
            if (newest is null || newest.IsTombstone)
            {
                continue;
            }

            liveKeys++;
            var owners = Owners(ring, NodeId.ForKey(key));
            var holders = owners.Count(owner => copies[ring.IndexOf(owner)][keyIndex].Entry?.Version == newest.Version);
            if (holders < owners.Count)
            {
                var where = string.Join("; ", ring.Select((node, index) =>
                    $"{node.Address}{(owners.Contains(node) ? " (replica)" : string.Empty)}: {copies[index][keyIndex].Entry?.ToString() ?? copies[index][keyIndex].Failure ?? "none"}"));
                underReplicated.Add($"{key}: newest {newest.Version} on {holders} of its {owners.Count} replicas — {where}");
            }
        }

        return new Result(liveKeys, underReplicated);
    }

    /// <summary>Every live node's own entry for <paramref name="key"/>, version included, for failure messages.</summary>
    public async Task<string> DescribeAsync(IReadOnlyList<string> liveUrls, string key, CancellationToken cancellationToken)
    {
        var ring = RingViews.InRingOrder(liveUrls).ToList();
        var owners = Owners(ring, NodeId.ForKey(key));
        var copies = await Task.WhenAll(ring.Select(node => ReadAllAsync(node, [key], cancellationToken)));
        return $"{key} (id {NodeId.ForKey(key)}) on each node: " + string.Join("; ", ring.Select((node, index) =>
            $"{node}{(owners.Contains(node) ? " (replica)" : string.Empty)}: {copies[index][0].Entry?.ToString() ?? copies[index][0].Failure ?? "none"}"));
    }

    /// <summary>The nodes that should hold a key: its successor among the live nodes and the next N − 1.</summary>
    private List<NodeInfo> Owners(List<NodeInfo> ring, NodeId keyId)
    {
        var successor = ring.FindIndex(node => node.Id.Value >= keyId.Value);
        var first = successor < 0 ? 0 : successor;
        return [.. Enumerable.Range(0, Math.Min(replicaCount, ring.Count)).Select(offset => ring[(first + offset) % ring.Count])];
    }

    private async Task<(StoredEntry? Entry, string? Failure)[]> ReadAllAsync(NodeInfo node, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var entries = new (StoredEntry?, string?)[keys.Count];
        for (var index = 0; index < keys.Count; index++)
        {
            try
            {
                entries[index] = ((await transport.CallAsync(node, new ReplicaReadRequest(keys[index]), cancellationToken)).Entry, null);
            }
            catch (NodeUnreachableException ex)
            {
                entries[index] = (null, $"unreachable ({ex.Message})");
            }
        }

        return entries;
    }
}
