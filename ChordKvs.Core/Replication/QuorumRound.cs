namespace ChordKvs.Core.Replication;

/// <summary>
/// Counts the answers of the replicas asked in one quorum call (a read or a write's replication) and wakes the caller
/// when the call has settled: enough have succeeded, or every one asked so far has finished.
/// </summary>
/// <remarks>
/// Each attempt reports its own end (<see cref="Finished"/>), so that a call costs no task per attempt to watch it and
/// no task to combine them; a waiter is created only when the caller has to wait. A waiter can also be woken early
/// (<see cref="Wake"/>, by the hedging timer), after which the caller looks at the counts and decides.
/// </remarks>
internal sealed class QuorumRound(int needed)
{
    private readonly Lock _gate = new();
    private int _started;
    private int _finished;
    private int _succeeded;
    private TaskCompletionSource? _settledOrWoken;
    private TaskCompletionSource? _allFinished;

    /// <summary>How many successes settle the call.</summary>
    public int Needed => needed;

    /// <summary>How many attempts have succeeded so far.</summary>
    public int Succeeded
    {
        get
        {
            lock (_gate)
            {
                return _succeeded;
            }
        }
    }

    /// <summary>Counts an attempt as started; call before starting it, so that it cannot finish uncounted.</summary>
    public void Started()
    {
        lock (_gate)
        {
            _started++;
        }
    }

    /// <summary>Counts an attempt as finished, successfully or not, and wakes whoever waits for what that completes.</summary>
    public void Finished(bool succeeded)
    {
        TaskCompletionSource? settled = null;
        TaskCompletionSource? allFinished = null;
        lock (_gate)
        {
            _finished++;
            if (succeeded)
            {
                _succeeded++;
            }

            if (IsSettled)
            {
                (settled, _settledOrWoken) = (_settledOrWoken, null);
            }

            if (_finished == _started)
            {
                (allFinished, _allFinished) = (_allFinished, null);
            }
        }

        // Outside the lock: the waiters' continuations run inline and may start further attempts.
        settled?.TrySetResult();
        allFinished?.TrySetResult();
    }

    /// <summary>Completes once the call has settled or <see cref="Wake"/> is called; at once when it has settled already.</summary>
    public Task WhenSettledOrWokenAsync()
    {
        lock (_gate)
        {
            return IsSettled ? Task.CompletedTask : (_settledOrWoken ??= new TaskCompletionSource()).Task;
        }
    }

    /// <summary>Completes once every attempt started has finished.</summary>
    public Task WhenAllFinishedAsync()
    {
        lock (_gate)
        {
            return _finished == _started ? Task.CompletedTask : (_allFinished ??= new TaskCompletionSource()).Task;
        }
    }

    /// <summary>Wakes the caller waiting in <see cref="WhenSettledOrWokenAsync"/>, if any.</summary>
    public void Wake()
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            (waiting, _settledOrWoken) = (_settledOrWoken, null);
        }

        waiting?.TrySetResult();
    }

    private bool IsSettled => _succeeded >= needed || _finished == _started;
}
