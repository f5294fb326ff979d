namespace ChordKvs.Core.Ring;

/// <summary>Where a <see cref="ChordNode"/> is in its life.</summary>
public enum ChordNodeStatus
{
    /// <summary>Constructed; not yet part of a ring.</summary>
    Created,

    /// <summary>Part of a ring, running maintenance.</summary>
    Member,

    /// <summary>Left gracefully or stopped; runs nothing more.</summary>
    Left,
}
