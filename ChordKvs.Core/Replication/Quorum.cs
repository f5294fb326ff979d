namespace ChordKvs.Core.Replication;

/// <summary>Waits for enough replicas to answer, without waiting for the slowest or a dead one.</summary>
internal static class Quorum
{
    /// <summary>
    /// Completes once <paramref name="needed"/> of <paramref name="attempts"/> have returned true, or all have
    /// finished; returns how many returned true by then. An attempt that throws counts as false.
    /// </summary>
    public static Task<int> WaitAsync(IReadOnlyList<Task<bool>> attempts, int needed)
    {
        if (needed <= 0 || attempts.Count == 0)
        {
            return Task.FromResult(0);
        }

        var done = new TaskCompletionSource<int>();
        var succeeded = 0;
        var finished = 0;
        foreach (var attempt in attempts)
        {
            _ = CountAsync(attempt);
        }

        return done.Task;

        async Task CountAsync(Task<bool> attempt)
        {
            bool ok;
            try
            {
                ok = await attempt;
            }
#pragma warning disable CA1031 // A replica that fails in any way simply does not count towards the quorum.
            catch
#pragma warning restore CA1031
            {
                ok = false;
            }

            if (ok)
            {
                Interlocked.Increment(ref succeeded);
            }

            // Read the successes only after counting this attempt as finished: every other attempt counted its
            // success before its own finish, so the last one to finish sees them all.
            var all = Interlocked.Increment(ref finished) == attempts.Count;
            var total = Volatile.Read(ref succeeded);
            if (total >= needed || all)
            {
                done.TrySetResult(Math.Min(total, needed));
            }
        }
    }
}
