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

    /// <summary>Records that <paramref name="peer"/> did not answer.</summary>
    public void ReportFailure(NodeInfo peer)
    {
        lock (_suspectedUntil)
        {
            _suspectedUntil[peer.Id] = time.GetUtcNow() + suspicionPeriod;
        }
    }

    /// <summary>Records that <paramref name="peer"/> answered, which clears any suspicion at once.</summary>
    public void ReportSuccess(NodeInfo peer)
    {
        lock (_suspectedUntil)
        {
            _suspectedUntil.Remove(peer.Id);
        }
    }

    /// <summary>Whether <paramref name="peer"/> failed to answer within the last suspicion period and has not answered since.</summary>
    public bool IsSuspected(NodeInfo peer)
    {
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
            return false;
        }
    }
}
