namespace ChordKvs.Core.Ring;

/// <summary>
/// Runs one periodic maintenance task (stabilize, fix fingers, check predecessor) on a timer from the
/// node's <see cref="TimeProvider"/>: never two runs at once, each period jittered so that nodes do not
/// act in lockstep. Under the simulated network the timer is virtual, so runs are deterministic.
/// </summary>
internal sealed class MaintenanceTimer : IDisposable
{
    private readonly Func<CancellationToken, Task> _work;
    private readonly Func<TimeSpan> _nextDelay;
    private readonly Action<Exception> _onFailure;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private int _disposed;
    private int _running;
    private int _runAgain;

    public MaintenanceTimer(TimeProvider time, Func<CancellationToken, Task> work, Func<TimeSpan> nextDelay, Action<Exception> onFailure)
    {
        _work = work;
        _nextDelay = nextDelay;
        _onFailure = onFailure;
        _timer = time.CreateTimer(static state => ((MaintenanceTimer)state!).Tick(), this, nextDelay(), Timeout.InfiniteTimeSpan);
    }

    private async void Tick()
    {
        // async void is deliberate: the timer has nowhere to hand a task, so every exception is caught here.
        Volatile.Write(ref _running, 1);
        try
        {
            await _work(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A failed round must not stop maintenance; the failure is reported and the next round retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _onFailure(exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }

        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _timer.Change(Interlocked.Exchange(ref _runAgain, 0) == 1 ? TimeSpan.Zero : _nextDelay(), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Stopped while the round ran.
            }
        }
    }

    /// <summary>
    /// <paramref name="period"/> stretched or shrunk at random by up to <paramref name="jitter"/> of itself, so
    /// that nodes started together do not act in lockstep. Locks the <see cref="Random"/>, which is not thread-safe.
    /// </summary>
    public static TimeSpan Jittered(TimeSpan period, double jitter, Random random)
    {
        double draw;
        lock (random)
        {
            draw = random.NextDouble();
        }

        return period * (1 + (jitter * ((2 * draw) - 1)));
    }

    /// <summary>
    /// Asks for a run after <paramref name="delay"/> instead of at the next period; a run already under way is
    /// followed by another one at once. Several requests before the run starts make one run.
    /// </summary>
    public void RunSoon(TimeSpan delay)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _running) == 1)
        {
            Volatile.Write(ref _runAgain, 1);
            return;
        }

        try
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _timer.Dispose();
            _stopping.Dispose();
        }
    }
}
