namespace ChordKvs.Core.Replication;

/// <summary>
/// Sends one request to each of several replicas at once and waits only until enough of them have answered:
/// a quorum needs the first answers, not the slowest, and a dead replica then costs nothing while the others answer.
/// </summary>
internal static class QuorumCall
{
    /// <summary>
    /// Starts <paramref name="call"/> for every target and completes as soon as <paramref name="needed"/> of them have
    /// succeeded, or as soon as so many have failed that the rest cannot make up the number.
    /// </summary>
    /// <returns>The answers that had arrived by then, in arrival order; fewer than needed when the quorum failed.</returns>
    /// <remarks>
    /// The calls that are still running go on after this returns (a write still reaches the slow replicas); their
    /// outcome is observed here, so none goes unobserved. A failure of any kind counts as a replica that did not
    /// answer; <paramref name="onUnexpected"/> hears of failures other than a node being unreachable, which are bugs.
    /// </remarks>
    public static async Task<IReadOnlyList<(TTarget Target, TAnswer Answer)>> FirstAsync<TTarget, TAnswer>(
        IReadOnlyList<TTarget> targets,
        Func<TTarget, Task<TAnswer>> call,
        int needed,
        Action<Exception> onUnexpected,
        CancellationToken cancellationToken)
    {
        var answers = new List<(TTarget, TAnswer)>(targets.Count);
        var failures = 0;
        var decided = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (needed <= 0)
        {
            decided.TrySetResult();
        }

        foreach (var target in targets)
        {
            _ = ObserveAsync(target);
        }

        if (targets.Count < needed)
        {
            decided.TrySetResult();
        }

        await decided.Task.WaitAsync(cancellationToken);
        lock (answers)
        {
            return [.. answers];
        }

        async Task ObserveAsync(TTarget target)
        {
            try
            {
                var answer = await call(target);
                lock (answers)
                {
                    answers.Add((target, answer));
                    if (answers.Count >= needed)
                    {
                        decided.TrySetResult();
                    }
                }
            }
#pragma warning disable CA1031 // Any failure means this replica did not answer; the quorum decides what that costs.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                if (exception is not (Transport.NodeUnreachableException or OperationCanceledException))
                {
                    onUnexpected(exception);
                }

                lock (answers)
                {
                    failures++;
                    if (failures > targets.Count - needed)
                    {
                        decided.TrySetResult();
                    }
                }
            }
        }
    }
}
