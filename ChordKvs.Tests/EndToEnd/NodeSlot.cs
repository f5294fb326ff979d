namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// One place in a ring of <c>chordkvs</c> processes. Its address is kept across restarts, so a restarted process
/// comes back with the same ring identifier (it is derived from the address), with empty memory.
/// </summary>
internal sealed class NodeSlot(int index)
{
    /// <summary>The slot's position in the cluster, from 0.</summary>
    public int Index { get; } = index;

    /// <summary>A name for messages, such as "node 2".</summary>
    public string Name => $"node {Index + 1}";

    /// <summary>The base URL, known once the first process has announced it.</summary>
    public string? Url { get; set; }

    /// <summary>The process running now, or null while the slot is down.</summary>
    public NodeProcess? Process { get; set; }

    /// <summary>Every process this slot has run, oldest first, for failure output.</summary>
    public List<NodeProcess> Incarnations { get; } = [];

    /// <summary>Whether a process runs in this slot.</summary>
    public bool IsUp => Process is { HasExited: false };

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Url ?? "no address yet"})";
}
