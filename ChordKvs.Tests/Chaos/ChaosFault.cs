using System.Collections.Immutable;
using System.Globalization;

namespace ChordKvs.Tests.Chaos;

/// <summary>What a fault of a chaos schedule does.</summary>
public enum FaultKind
{
    /// <summary>The node stops at once and loses its memory.</summary>
    Crash,

    /// <summary>A crashed node comes back at the same address, with empty memory, and rejoins.</summary>
    Restart,

    /// <summary>A new node joins.</summary>
    Join,

    /// <summary>The node hands its range over and leaves.</summary>
    Leave,

    /// <summary>The listed nodes are cut off from all others for <see cref="ChaosFault.Duration"/>.</summary>
    Partition,

    /// <summary>Each message is lost with probability <see cref="ChaosFault.Rate"/> for <see cref="ChaosFault.Duration"/>.</summary>
    Loss,

    /// <summary>Messages take up to <see cref="ChaosFault.Latency"/> for <see cref="ChaosFault.Duration"/>.</summary>
    Delay,
}

/// <summary>
/// One fault of a chaos schedule, naming its nodes by address so that a schedule with some faults removed still
/// means the same thing for the others (a fault whose node is not in the right state when it fires is skipped).
/// </summary>
public sealed record ChaosFault(TimeSpan At, FaultKind Kind, ImmutableArray<string> Nodes, TimeSpan Duration = default, double Rate = 0, TimeSpan Latency = default)
{
    /// <summary>One line of a printed schedule, e.g. <c>t=12.345s CRASH sim://kv-3</c>; exact, so a printed schedule can be replayed.</summary>
    public override string ToString()
    {
        var at = string.Create(CultureInfo.InvariantCulture, $"t={At.TotalSeconds:0.000}s {Kind.ToString().ToUpperInvariant()}");
        var nodes = string.Join(",", Nodes);
        return Kind switch
        {
            FaultKind.Partition => string.Create(CultureInfo.InvariantCulture, $"{at} [{nodes}] | rest for {Duration.TotalSeconds:0.000}s"),
            FaultKind.Loss => string.Create(CultureInfo.InvariantCulture, $"{at} rate {Rate:0.000} for {Duration.TotalSeconds:0.000}s"),
            FaultKind.Delay => string.Create(CultureInfo.InvariantCulture, $"{at} up to {Latency.TotalMilliseconds:0}ms for {Duration.TotalSeconds:0.000}s"),
            _ => $"{at} {nodes}",
        };
    }
}
