using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ChordKvs.Host.Bench;

/// <summary>
/// Drives a load run: writes every key once, then keeps one request in flight per connection (connections
/// spread evenly over the targets) for the warm-up and the measured duration, and counts what came back.
/// </summary>
/// <remarks>
/// Each target gets its own <see cref="SocketsHttpHandler"/> limited to its share of connections, and each
/// connection is a loop that awaits its request before sending the next (a closed loop, as wrk runs), so the
/// number of connections is also the number of requests in flight.
/// </remarks>
internal sealed class LoadGenerator : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly BenchOptions _options;
    private readonly TextWriter _progress;
    private readonly HttpClient[] _clients;
    private readonly KeyChooser _keys;
    private readonly byte[] _value;
    private long _completed;
    private long _failed;
    private volatile bool _measuring;

    public LoadGenerator(BenchOptions options, TextWriter progress)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _progress = progress ?? throw new ArgumentNullException(nameof(progress));
        _keys = new KeyChooser(options.Keys, options.Zipf);
        _value = ValueOfSize(options.ValueSize);
        _clients = [.. options.Targets.Select((target, index) => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = ConnectionsFor(index),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = target,
            Timeout = RequestTimeout,
        })];
    }

    /// <summary>A JSON object of exactly <paramref name="size"/> bytes: <c>{"v":"xxx…"}</c>.</summary>
    public static byte[] ValueOfSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, BenchOptions.MinValueSize);
        return Encoding.UTF8.GetBytes("{\"v\":\"" + new string('x', size - BenchOptions.MinValueSize) + "\"}");
    }

    /// <summary>Writes every key once, with as many requests in flight as there are connections.</summary>
    /// <returns>How many keys could not be written.</returns>
    public async Task<long> PreloadAsync(CancellationToken cancellationToken)
    {
        long next = -1;
        long failed = 0;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, _options.Connections).Select(async connection =>
        {
            var client = _clients[connection % _clients.Length];
            for (var index = Interlocked.Increment(ref next); index < _options.Keys && !cancellationToken.IsCancellationRequested; index = Interlocked.Increment(ref next))
            {
                var status = await SendAsync(client, BenchOperation.Put, BenchOptions.KeyOf((int)index), cancellationToken);
                if (!BenchTally.IsSuccess(BenchOperation.Put, status))
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"preloaded {_options.Keys} keys in {started.Elapsed.TotalSeconds:0.0} s ({failed} failed)"));
        return failed;
    }

    /// <summary>Runs the warm-up, then the measured duration (cut short by <paramref name="cancellationToken"/>), and reports.</summary>
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tallies = Enumerable.Range(0, _options.Connections).Select(_ => new BenchTally()).ToArray();
        var workers = tallies.Select((tally, connection) => RunConnectionAsync(connection, tally, stop.Token)).ToArray();

        await ReportProgressAsync("warm-up", _options.Warmup, cancellationToken);
        Interlocked.Exchange(ref _completed, 0);
        Interlocked.Exchange(ref _failed, 0);
        var measured = Stopwatch.StartNew();
        _measuring = true;
        await ReportProgressAsync("measuring", _options.Duration, cancellationToken);
        _measuring = false;
        var elapsed = measured.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var total = new BenchTally();
        foreach (var tally in tallies)
        {
            total.Add(tally);
        }

        return BenchReport.From(_options, total, elapsed);
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    /// <summary>The connections of target <paramref name="index"/>: an even share, the first targets taking the remainder.</summary>
    private int ConnectionsFor(int index) =>
        (_options.Connections / _options.Targets.Count) + (index < _options.Connections % _options.Targets.Count ? 1 : 0);

    /// <summary>Writes one progress line a second for <paramref name="length"/> (or until cancelled).</summary>
    private async Task ReportProgressAsync(string phase, TimeSpan length, CancellationToken cancellationToken)
    {
        var phaseClock = Stopwatch.StartNew();
        var lastCount = Interlocked.Read(ref _completed);
        var lastTime = TimeSpan.Zero;
        while (phaseClock.Elapsed < length && !cancellationToken.IsCancellationRequested)
        {
            var wait = TimeSpan.FromSeconds(Math.Min(1, (length - phaseClock.Elapsed).TotalSeconds));
            try
            {
                await Task.Delay(wait, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var now = phaseClock.Elapsed;
            var count = Interlocked.Read(ref _completed);
            var rate = (count - lastCount) / Math.Max(1e-3, (now - lastTime).TotalSeconds);
            _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{phase} {now.TotalSeconds,5:0.0}/{length.TotalSeconds:0} s: {rate,8:0} req/s, {Interlocked.Read(ref _failed)} errors"));
            (lastCount, lastTime) = (count, now);
        }
    }

    private async Task RunConnectionAsync(int connection, BenchTally tally, CancellationToken stop)
    {
        var client = _clients[connection % _clients.Length];
        var random = new Random(HashCode.Combine(_options.Seed, connection));
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            var operation = _options.Mix.Pick(random.Next(100));
            var key = BenchOptions.KeyOf(_keys.Next(random));
            var started = Stopwatch.GetTimestamp();
            var status = await SendAsync(client, operation, key, stop);
            if (status < 0)
            {
                break;
            }

            var failed = BenchTally.IsSuccess(operation, status) ? (int?)null : status;
            Interlocked.Increment(ref _completed);
            if (failed is not null)
            {
                Interlocked.Increment(ref _failed);
            }

            if (_measuring)
            {
                tally.Record(operation, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, failed);
            }
        }
    }

    /// <summary>Sends one request; its status, <see cref="BenchTally.NoResponse"/> when none came, −1 when the run was stopped.</summary>
    private async Task<int> SendAsync(HttpClient client, BenchOperation operation, string key, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(
            operation switch { BenchOperation.Get => HttpMethod.Get, BenchOperation.Put => HttpMethod.Put, _ => HttpMethod.Delete },
            "kv/" + Uri.EscapeDataString(key));
        if (operation == BenchOperation.Put)
        {
            request.Content = new ByteArrayContent(_value) { Headers = { ContentType = JsonType } };
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, stop);
            return (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return -1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return BenchTally.NoResponse;
        }
    }
}
