namespace ChordKvs.Core.Replication;

/// <summary>
/// Runs one piece of background work on a timer from a <see cref="TimeProvider"/>: periodically, and sooner when
/// asked, but never two runs at once. Requests that arrive while a run is under way make one more run after it;
/// several requests before a run starts make one run, at the earliest time asked for. Under the simulated network
/// the timer is virtual, so runs are deterministic.
/// </summary>
internal sealed class BackgroundPass : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task> _work;
    private readonly Func<TimeSpan> _period;
    private readonly Action<Exception> _onFailure;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private DateTimeOffset? _due;
    private DateTimeOffset? _rerunAt;
    private bool _running;
    private bool _disposed;

    /// <param name="time">The clock whose timer drives the runs.</param>
    /// <param name="work">One run; cancelled when the pass is disposed.</param>
    /// <param name="period">The delay before the next periodic run, asked after every run (so it may be jittered).</param>
    /// <param name="onFailure">Hears of a run that threw; the next run happens as planned regardless.</param>
    public BackgroundPass(TimeProvider time, Func<CancellationToken, Task> work, Func<TimeSpan> period, Action<Exception> onFailure)
    {
        _time = time;
        _work = work;
        _period = period;
        _onFailure = onFailure;
        _timer = time.CreateTimer(static state => ((BackgroundPass)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts the periodic runs: the first after one period.</summary>
    public void Start() => RunAfter(_period());

    /// <summary>Asks for a run within <paramref name="delay"/>; an earlier planned run makes this one unnecessary.</summary>
    public void RunAfter(TimeSpan delay)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var at = _time.GetUtcNow() + delay;
            if (_running)
            {
                _rerunAt = _rerunAt is { } planned && planned <= at ? planned : at;
                return;
            }

            if (_due is { } due && due <= at)
            {
                return;
            }

            _due = at;
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private async void Tick()
    {
        // async void is deliberate: the timer has nowhere to hand a task, so every exception is caught here.
        lock (_gate)
        {
            if (_disposed || _running)
            {
                return;
            }

            _running = true;
            _due = null;
        }

        try
        {
            await _work(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A failed run must not stop the runs; the failure is reported and the next run retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _onFailure(exception);
        }

        lock (_gate)
        {
            _running = false;
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var next = _rerunAt is { } rerun ? (rerun > now ? rerun - now : TimeSpan.Zero) : _period();
            _rerunAt = null;
            _due = now + next;
            _timer.Change(next, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the runs; a run under way sees its token cancelled.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        _timer.Dispose();
        _stopping.Dispose();
    }
}
