namespace ChordKvs.Tests.Chaos;

/// <summary>
/// Checks a chaos run's history against the final state of the store: a linearizability-lite check suited to a
/// last-writer-wins store, where concurrent writes may be ordered either way but nothing acknowledged may vanish.
/// </summary>
/// <remarks>
/// <para>
/// Write y <em>follows</em> write x when y was invoked more than <see cref="ClockResolution"/> after x completed
/// with an acknowledgement. A write that failed or timed out has no completion: it may still be applied later
/// (a forwarded request can arrive after the client gave up), so nothing follows it. A delete answered "not found"
/// counts as such a write too: the node that received it retries a coordinator that did not answer in time, and the
/// retry may find the tombstone the first attempt wrote. The key's initial absence
/// counts as an acknowledged delete that completed at time zero.
/// </para>
/// <para>
/// The final state of a key is acceptable when some write x explains it (a put of that very value — every put
/// writes a value of its own — or a delete, or the initial absence, when the key is absent) and no acknowledged
/// write follows x. That is: the final value is the last acknowledged write's, or that of a write that was
/// concurrent with it or attempted after it. Why this holds for the store: the coordinator stamps a write with
/// its hybrid logical clock between the write's invocation and completion, and the simulation's clocks agree, so a
/// write invoked in a later millisecond than another completed carries the higher version and wins. Two writes
/// within one millisecond at coordinators that have not seen each other's write are ordered by the clock's
/// counter and the node identifier; that is the resolution below which "later" means nothing.
/// </para>
/// <para>
/// Violations are classified: an invented value (no client ever wrote it — also checked for every read during the
/// run), a resurrected delete (a live value where the last acknowledged write that follows it is a delete), and a
/// lost write (anything else: an acknowledged write whose value, or a later one, did not survive).
/// </para>
/// </remarks>
public static class LastWriterWinsChecker
{
    /// <summary>The resolution of the hybrid logical clock's physical part.</summary>
    public static readonly TimeSpan ClockResolution = TimeSpan.FromMilliseconds(1);

    /// <summary>Checks one key's history and final state (null when absent or deleted) and every read of it.</summary>
    public static IEnumerable<ChaosViolation> Check(string key, IReadOnlyList<ChaosOperation> history, string? finalValue)
    {
        ArgumentNullException.ThrowIfNull(history);
        var ofKey = history.Where(operation => operation.Key == key).ToList();
        var puts = ofKey.Where(operation => operation.Kind == OperationKind.Put).ToDictionary(operation => operation.Value!, StringComparer.Ordinal);

        foreach (var read in ofKey.Where(operation => operation.Kind == OperationKind.Get && operation.Outcome == OperationOutcome.Acknowledged && operation.ReadValue is not null))
        {
            if (!puts.TryGetValue(read.ReadValue!, out var source) || source.InvokedAt > read.CompletedAt)
            {
                yield return new ChaosViolation(ViolationKind.InventedValue, key, $"read {read} returned a value no client had tried to write");
            }
        }

        if (finalValue is not null && !puts.ContainsKey(finalValue))
        {
            yield return new ChaosViolation(ViolationKind.InventedValue, key, $"final value {finalValue} was never written");
            yield break;
        }

        var acknowledged = ofKey.Where(operation => operation.MayHaveWritten && operation.Outcome == OperationOutcome.Acknowledged).ToList();
        IEnumerable<TimeSpan?> explanations = finalValue is null
            ? ofKey.Where(operation => operation.Kind == OperationKind.Delete && operation.MayHaveWritten).Select(EffectiveCompletion).Append(TimeSpan.Zero)
            : [EffectiveCompletion(puts[finalValue])];

        // The explanation that leaves the fewest acknowledged writes after it; none is what makes the state acceptable.
        var followers = explanations
            .Select(completion => acknowledged.Where(write => completion is { } done && write.InvokedAt > done + ClockResolution).ToList())
            .MinBy(list => list.Count)!;
        if (followers.Count == 0)
        {
            yield break;
        }

        var last = followers.MaxBy(write => write.InvokedAt)!;
        var kind = finalValue is not null && last.Kind == OperationKind.Delete ? ViolationKind.ResurrectedDelete : ViolationKind.LostWrite;
        yield return new ChaosViolation(kind, key, $"final state {finalValue ?? "absent"}, but acknowledged {last} (and {followers.Count - 1} more) followed every write that explains it");
    }

    private static TimeSpan? EffectiveCompletion(ChaosOperation write) => write.Outcome == OperationOutcome.Acknowledged ? write.CompletedAt : null;
}
