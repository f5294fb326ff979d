namespace ChordKvs.Host.Simulator;

/// <summary>How the load-balance experiment places a host's virtual nodes on the ring.</summary>
internal enum PlacementRule
{
    /// <summary>Independent identifiers, SHA-1 of <c>address#k</c> for member k: the Chord paper's model.</summary>
    Random,

    /// <summary>
    /// ChordKvs's rule (<see cref="ChordKvs.Core.Ring.VirtualNodePlacement"/>): member 0 at SHA-1 of the address,
    /// each later member at the better of its candidates, the one in the longer arc when it joins.
    /// </summary>
    ChordKvs,
}
