using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Simulation;

/// <summary>
/// Checks a set of nodes' routing state against the <see cref="RingOracle"/> and says, in words, the first
/// thing that is wrong.
/// </summary>
public static class RingConsistency
{
    /// <summary>
    /// Null when following successors from the first node visits every live node exactly once and comes back;
    /// otherwise a description of where the cycle breaks.
    /// </summary>
    public static string? FindCycleError(IReadOnlyList<ChordNode> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var byId = live.ToDictionary(node => node.Self.Id);
        var visited = new HashSet<NodeId>();
        var current = live[0];
        for (var step = 0; step < live.Count; step++)
        {
            if (!visited.Add(current.Self.Id))
            {
                return $"the successor walk from {live[0].Self} came back to {current.Self} after {step} of {live.Count} nodes";
            }

            var successor = current.Routing.Successor;
            if (!byId.TryGetValue(successor.Id, out var next))
            {
                return $"{current.Self} points at {successor}, which is not a live node";
            }

            current = next;
        }

        return current.Self.Id == live[0].Self.Id ? null : $"after {live.Count} steps the successor walk stands at {current.Self}, not back at {live[0].Self}";
    }

    /// <summary>
    /// Null when every node's predecessor, successor list (the next r live nodes) and, if asked, every
    /// finger equal the oracle's; otherwise a description of the first difference.
    /// </summary>
    public static string? FindPointerError(IReadOnlyList<ChordNode> live, RingOracle oracle, int successorListLength, bool checkFingers)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(oracle);
        foreach (var node in live)
        {
            var state = node.Routing;
            var self = node.Self.Id;
            var expectedSuccessors = oracle.SuccessorsOf(self, successorListLength);
            var actualSuccessors = state.IsAlone ? [] : state.Successors;
            if (!actualSuccessors.Select(entry => entry.Id).SequenceEqual(expectedSuccessors.Select(entry => entry.Id)))
            {
                return $"{node.Self} has successors [{string.Join(", ", actualSuccessors.Select(entry => entry.Id))}], expected [{string.Join(", ", expectedSuccessors.Select(entry => entry.Id))}]";
            }

            var expectedPredecessor = live.Count == 1 ? null : oracle.PredecessorOf(self);
            if (state.Predecessor?.Id != expectedPredecessor?.Id)
            {
                return $"{node.Self} has predecessor {state.Predecessor?.ToString() ?? "none"}, expected {expectedPredecessor?.ToString() ?? "none"}";
            }

            if (!checkFingers)
            {
                continue;
            }

            for (var i = 0; i < NodeId.Bits; i++)
            {
                var expected = oracle.Successor(self.AddPowerOfTwo(i));
                if (state.Fingers[i]?.Id != expected.Id)
                {
                    return $"{node.Self} has finger {i} = {state.Fingers[i]?.ToString() ?? "none"}, expected {expected}";
                }
            }
        }

        return null;
    }
}
