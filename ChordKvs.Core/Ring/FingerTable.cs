using System.Collections.Immutable;

namespace ChordKvs.Core.Ring;

/// <summary>
/// A node's finger table: entry i is the first node at or after self + 2^i (null until found). Immutable;
/// each change makes a new table, so a <see cref="RoutingState"/> snapshot never changes under a reader.
/// </summary>
public sealed class FingerTable
{
    private readonly NodeInfo?[] _fingers;

    private FingerTable(NodeInfo?[] fingers) => _fingers = fingers;

    /// <summary>A table with no fingers known yet.</summary>
    public static FingerTable Empty { get; } = new(new NodeInfo?[NodeId.Bits]);

    /// <summary>Finger <paramref name="index"/>, or null when it is not known.</summary>
    public NodeInfo? this[int index] => _fingers[index];

    /// <summary>Every entry, index 0 first.</summary>
    public ImmutableArray<NodeInfo?> Entries => [.. _fingers];

    /// <summary>The known fingers without repeats, in table order (the low fingers often share one node).</summary>
    public IEnumerable<NodeInfo> Distinct()
    {
        NodeInfo? previous = null;
        foreach (var finger in _fingers)
        {
            if (finger is not null && finger.Id != previous?.Id)
            {
                yield return finger;
                previous = finger;
            }
        }
    }

    /// <summary>A table with every entry given, index 0 first.</summary>
    public static FingerTable From(ReadOnlySpan<NodeInfo?> entries)
    {
        if (entries.Length != NodeId.Bits)
        {
            throw new ArgumentException($"A finger table has {NodeId.Bits} entries, not {entries.Length}.", nameof(entries));
        }

        return new FingerTable(entries.ToArray());
    }

    /// <summary>A copy of the entries, for building the next table.</summary>
    public NodeInfo?[] ToArray() => (NodeInfo?[])_fingers.Clone();

    /// <summary>This table with every entry that points at <paramref name="node"/> cleared, or this table if none does.</summary>
    public FingerTable Without(NodeId node)
    {
        NodeInfo?[]? copy = null;
        for (var i = 0; i < _fingers.Length; i++)
        {
            if (_fingers[i]?.Id == node)
            {
                copy ??= ToArray();
                copy[i] = null;
            }
        }

        return copy is null ? this : new FingerTable(copy);
    }
}
