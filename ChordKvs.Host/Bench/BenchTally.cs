namespace ChordKvs.Host.Bench;

/// <summary>
/// What one connection saw during the measured part of a run: the latency of every request, how many of each
/// operation it sent and which answers were errors. Each connection has its own, so counting takes no lock.
/// </summary>
internal sealed class BenchTally
{
    /// <summary>The status recorded for a request that got no HTTP answer (refused, reset, timed out).</summary>
    public const int NoResponse = 0;

    private readonly long[] _operations = new long[3];

    /// <summary>The latency of every request, successful or not.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Failed requests by HTTP status (<see cref="NoResponse"/> when there was none).</summary>
    public SortedDictionary<int, long> ErrorsByStatus { get; } = [];

    /// <summary>Requests of <paramref name="operation"/> counted so far.</summary>
    public long CountOf(BenchOperation operation) => _operations[(int)operation];

    /// <summary>Counts one request: its operation, latency and, when it failed, its status.</summary>
    public void Record(BenchOperation operation, long microseconds, int? failedStatus)
    {
        _operations[(int)operation]++;
        Latency.Record(microseconds);
        if (failedStatus is { } status)
        {
            ErrorsByStatus[status] = ErrorsByStatus.GetValueOrDefault(status) + 1;
        }
    }

    /// <summary>Adds everything <paramref name="other"/> counted to this tally.</summary>
    public void Add(BenchTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _operations.Length; i++)
        {
            _operations[i] += other._operations[i];
        }

        Latency.Add(other.Latency);
        foreach (var (status, count) in other.ErrorsByStatus)
        {
            ErrorsByStatus[status] = ErrorsByStatus.GetValueOrDefault(status) + count;
        }
    }

    /// <summary>Whether an answer of <paramref name="status"/> to <paramref name="operation"/> is a success.</summary>
    /// <remarks>After the preload every key exists, so a 404 is an error for reads too.</remarks>
    public static bool IsSuccess(BenchOperation operation, int status) => operation switch
    {
        BenchOperation.Get => status == 200,
        BenchOperation.Put => status is 200 or 201 or 204,
        _ => status is 200 or 204 or 404,
    };
}
