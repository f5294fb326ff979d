using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>
/// Which peers this node currently suspects of being down: a peer that failed to answer a replica call (within
/// <see cref="ReplicationOptions.ReplicaTimeout"/>, or the transport's own timeout) is suspected for
/// <see cref="ReplicationOptions.SuspicionPeriod"/> unless it answers again first. A coordinator passes over a
/// suspected replica at once and writes to the next live node of its successor list instead, rather than waiting
/// for the dead one's timeout on every write. Thread-safe.
/// </summary>
/// <remarks>
/// Suspicion is local and only a hint: a suspected node that is in fact up merely misses some writes for a while,
/// which anti-entropy repairs. The ring's own failure handling (stabilize dropping a successor that does not
/// answer, check_predecessor) is separate and decides membership.
/// </remarks>
internal sealed class PeerFailureDetector(TimeProvider time, TimeSpan suspicionPeriod)
{
    private readonly Dictionary<NodeId, DateTimeOffset> _suspectedUntil = [];

    // How many peers the dictionary holds, readable without its lock: every replica call reports its outcome and every
    // quorum call asks about each candidate, and while nobody is suspected (nearly always) none of that needs the lock.
    private int _suspectedCount;

    /// <summary>Records that <paramref name="peer"/> did not answer.</summary>
    public void ReportFailure(NodeInfo peer)
    {
        lock (_suspectedUntil)
        {
            _suspectedUntil[peer.Id] = time.GetUtcNow() + suspicionPeriod;
            Volatile.Write(ref _suspectedCount, _suspectedUntil.Count);
        }
    }

    /// <summary>Records that <paramref name="peer"/> answered, which clears any suspicion at once.</summary>
    public void ReportSuccess(NodeInfo peer)
    {
        if (Volatile.Read(ref _suspectedCount) == 0)
        {
            return;
        }

        lock (_suspectedUntil)
        {
            _suspectedUntil.Remove(peer.Id);
            Volatile.Write(ref _suspectedCount, _suspectedUntil.Count);
        }
    }

    /// <summary>Whether <paramref name="peer"/> failed to answer within the last suspicion period and has not answered since.</summary>
    public bool IsSuspected(NodeInfo peer)
    {
        if (Volatile.Read(ref _suspectedCount) == 0)
        {
            return false;
        }

        lock (_suspectedUntil)
        {
            if (!_suspectedUntil.TryGetValue(peer.Id, out var until))
            {
                return false;
            }

            if (until > time.GetUtcNow())
            {
                return true;
            }

            _suspectedUntil.Remove(peer.Id);
            Volatile.Write(ref _suspectedCount, _suspectedUntil.Count);
            return false;
        }
    }

    /// <summary>The indexes of <paramref name="nodes"/>, those not suspected of being down first, each group in list order.</summary>
    public int[] OrderBySuspicion(ImmutableArray<NodeInfo> nodes)
    {
        var order = new int[nodes.Length];
        var front = 0;
        var back = nodes.Length;
        for (var i = nodes.Length - 1; i >= 0; i--)
        {
            if (IsSuspected(nodes[i]))
            {
                order[--back] = i;
            }
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            if (!IsSuspected(nodes[i]))
            {
                order[front++] = i;
            }
        }

        return order;
    }
}
