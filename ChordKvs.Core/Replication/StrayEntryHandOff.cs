using System.Collections.Immutable;
using ChordKvs.Core.Diagnostics;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Moves entries a node holds but does not replicate to the nodes that do, then forgets them: the keys a node
/// kept after a join pushed it out of a replica set, the writes it took as a stand-in for a replica that was
/// down (a sloppy quorum), and copies left by range transfers during churn.
/// </summary>
/// <remarks>
/// <para>
/// Every entry outside the node's own range (predecessor, self] is checked: a lookup of its key identifier names
/// the key's responsible node and the nodes after it, whose first N are the key's replicas. The lookup also settles
/// every later entry up to that responsible node, so a pass costs one lookup per range the node holds, about N − 1
/// when nothing is astray. When this node is among the replicas the entries stay.
/// </para>
/// <para>
/// Otherwise they are pushed to all N replicas, and only when every one of them has acknowledged are they removed
/// here, each only if it is still the version pushed (a newer write that arrived meanwhile stays for the next
/// pass). So the hand-off never lowers the number of copies of any version, even when the lookup was answered from
/// a stale view of the ring: the worst a wrong answer does is move a key away that anti-entropy brings back.
/// </para>
/// </remarks>
internal sealed class StrayEntryHandOff(ChordNode ring, int successorListLength, VersionedStore store, INodeTransport transport, ReplicationOptions options, ChordKvsMetrics? metrics)
{
    /// <summary>One pass over the entries outside this node's own range; returns how many were handed off and removed.</summary>
    public async Task<int> HandOffAsync(CancellationToken cancellationToken)
    {
        var state = ring.Routing;
        if (ring.Status != ChordNodeStatus.Member || state.IsAlone || state.Predecessor is not { } predecessor)
        {
            return 0;
        }

        var outside = store.GetRange(state.Self.Id, predecessor.Id);
        var removed = 0;
        var index = 0;
        while (index < outside.Count)
        {
            var first = outside[index].KeyId;
            // A node whose own pointers show the whole ring knows every replica set, even one with fewer than N
            // members because the ring has fewer than N physical nodes; elsewhere the lookup's answer tells.
            var wholeRing = WholeRingView.KeySuccessors(state, successorListLength, first);
            LookupResult lookup;
            try
            {
                lookup = wholeRing is { } known ? new LookupResult(first, known, 0, 0) : await ring.FindSuccessorAsync(first, cancellationToken);
            }
            catch (LookupFailedException)
            {
                // The ring is in flux; the next pass tries again.
                return removed;
            }

            var owner = lookup.Successor.Id;
            var end = index;
            while (end < outside.Count && RingInterval.IsInHalfOpen(outside[end].KeyId, new NodeId(unchecked(first.Value - 1)), owner))
            {
                end++;
            }

            var group = outside.Skip(index).Take(end - index).ToList();
            index = end;
            var replicas = ReplicaSet.Choose(lookup.Successors[0], lookup.Successors.Skip(1), options.ReplicaCount);
            if ((replicas.Length < options.ReplicaCount && wholeRing is null) || replicas.Any(node => node.Id == state.Self.Id))
            {
                // This node replicates the keys, or the answer is too short to know all their replicas.
                continue;
            }

            if (await PushToAllAsync(replicas, group, cancellationToken))
            {
                removed += group.Count(store.RemoveIfUnchanged);
            }
        }

        return removed;
    }

    private async Task<bool> PushToAllAsync(ImmutableArray<NodeInfo> replicas, List<StoredEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var replica in replicas)
            {
                await RangeReplicator.PushAsync(transport, replica, entries, options.TransferBatchSize, metrics, cancellationToken);
            }

            return true;
        }
        catch (NodeUnreachableException)
        {
            return false;
        }
    }
}
