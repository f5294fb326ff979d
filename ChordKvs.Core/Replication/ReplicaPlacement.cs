using System.Collections.Immutable;
using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Replication;

/// <summary>
/// What one routing snapshot says about replicas, worked out once per snapshot instead of once per request: the
/// replicas of this node's own range, the candidates that may stand in for them, and, when the node's pointers show
/// the whole ring (<see cref="WholeRingView"/>), where every key goes and which replicas may serve it.
/// </summary>
/// <remarks>
/// A <see cref="RoutingState"/> is immutable and replaced whenever routing changes, which happens on the scale of
/// stabilization rounds; client requests arrive thousands of times more often. Every value here is derived from the
/// snapshot alone, so two threads that build one for the same snapshot build equal ones.
/// </remarks>
internal sealed class ReplicaPlacement
{
    private readonly NodeId[] _arcEnds;
    private readonly ImmutableArray<NodeInfo>[] _keySuccessors;
    private readonly ImmutableArray<NodeInfo>?[] _otherReplicas;

    private ReplicaPlacement(RoutingState state, int replicaCount, int successorListLength)
    {
        State = state;
        Replicas = ReplicaSet.Of(state, replicaCount);
        Candidates = ReplicaSet.Of(state, state.Successors.Length + 1).RemoveAt(0);

        var ring = WholeRingView.Ring(state, successorListLength);
        _arcEnds = ring is { } nodes ? [.. nodes.Select(node => node.Id)] : [];
        _keySuccessors = new ImmutableArray<NodeInfo>[_arcEnds.Length];
        _otherReplicas = new ImmutableArray<NodeInfo>?[_arcEnds.Length];
        for (var i = 0; i < _arcEnds.Length; i++)
        {
            _keySuccessors[i] = i == 0 ? ring!.Value : [.. ring!.Value[i..], .. ring.Value[..i]];
            _otherReplicas[i] = ReplicaSet.WithSelfFirst(state.Self, _keySuccessors[i], replicaCount)?.RemoveAt(0);
        }
    }

    /// <summary>The snapshot this placement was worked out from.</summary>
    public RoutingState State { get; }

    /// <summary>The replicas of this node's own range: this node first, then <see cref="ReplicaSet.Of"/>'s choice.</summary>
    public ImmutableArray<NodeInfo> Replicas { get; }

    /// <summary>Every distinct physical node of the successor list, nearest first: the replicas, then their stand-ins.</summary>
    public ImmutableArray<NodeInfo> Candidates { get; }

    /// <summary>The placement of <paramref name="state"/>, reusing <paramref name="last"/> when it was made from the same snapshot.</summary>
    public static ReplicaPlacement For(RoutingState state, ReplicaPlacement? last, int replicaCount, int successorListLength) =>
        last is not null && ReferenceEquals(last.State, state) ? last : new ReplicaPlacement(state, replicaCount, successorListLength);

    /// <summary>
    /// Where <paramref name="key"/> goes when the snapshot shows the whole ring: its successors (the responsible node
    /// first) and, when this node is one of its replicas, the key's other replicas, nearest first (else null). False
    /// when the snapshot does not show the whole ring, and a lookup must tell.
    /// </summary>
    public bool TryPlace(NodeId key, out ImmutableArray<NodeInfo> keySuccessors, out ImmutableArray<NodeInfo>? otherReplicas)
    {
        // The arc of ring[i] is (ring[i - 1], ring[i]]; the first arc starts at the last node.
        var previous = _arcEnds.Length > 0 ? _arcEnds[^1] : default;
        for (var i = 0; i < _arcEnds.Length; i++)
        {
            if (RingInterval.IsInHalfOpen(key, previous, _arcEnds[i]))
            {
                keySuccessors = _keySuccessors[i];
                otherReplicas = _otherReplicas[i];
                return true;
            }

            previous = _arcEnds[i];
        }

        keySuccessors = default;
        otherReplicas = null;
        return false;
    }
}
