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

        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _timer.Change(_nextDelay(), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Stopped while the round ran.
            }
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
