using ChordKvs.Core.Transport;

namespace ChordKvs.Core.Ring;

/// <summary>
/// Something that takes part in a Chord ring as one node: a bare <see cref="ChordNode"/>, or a
/// <see cref="ChordKvsNode"/> that wraps one and adds the store. The simulation hosts either through this.
/// </summary>
public interface IRingMember : INodeRequestHandler, IDisposable
{
    /// <summary>The member's identifier and address.</summary>
    NodeInfo Self { get; }

    /// <summary>The Chord protocol state of the member: itself for a bare node.</summary>
    ChordNode Ring { get; }

    /// <summary>Starts a new ring with this member alone in it.</summary>
    void Create();

    /// <summary>Joins the ring that <paramref name="bootstrap"/> belongs to.</summary>
    Task JoinAsync(NodeInfo bootstrap, CancellationToken cancellationToken = default);

    /// <summary>Leaves the ring gracefully.</summary>
    Task LeaveAsync(CancellationToken cancellationToken = default);
}
