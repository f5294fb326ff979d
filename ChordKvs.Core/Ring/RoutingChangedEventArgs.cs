namespace ChordKvs.Core.Ring;

/// <summary>A node's routing state changed: the data layer uses this to notice new neighbours and move keys.</summary>
/// <param name="before">The snapshot before the change.</param>
/// <param name="after">The snapshot after the change.</param>
public sealed class RoutingChangedEventArgs(RoutingState before, RoutingState after) : EventArgs
{
    /// <summary>The snapshot before the change.</summary>
    public RoutingState Before { get; } = before;

    /// <summary>The snapshot after the change.</summary>
    public RoutingState After { get; } = after;
}
