using System.Diagnostics;
using System.Globalization;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// One client request as the client saw it: when it was sent and answered (on the test process's monotonic
/// clock), through which node, and what came back.
/// </summary>
/// <param name="Client">Which client sent it.</param>
/// <param name="Kind">Put, delete or get.</param>
/// <param name="Key">The key.</param>
/// <param name="Node">The base URL of the node it was sent to.</param>
/// <param name="Value">For a put, the JSON written; for a get answered 200, the JSON read; otherwise null.</param>
/// <param name="Invoked">When it was sent (<see cref="Stopwatch.GetTimestamp"/>).</param>
/// <param name="Completed">When the answer or the failure arrived (<see cref="Stopwatch.GetTimestamp"/>).</param>
/// <param name="Status">The HTTP status, or 0 when no answer came (refused connection, timeout).</param>
/// <param name="Failure">Why no answer came, or null.</param>
internal sealed record ClientOperation(int Client, OperationKind Kind, string Key, string Node, string? Value, long Invoked, long Completed, int Status, string? Failure)
{
    /// <summary>A write the store acknowledged: PUT answered 201 or 204, DELETE answered 204.</summary>
    public bool IsAcknowledgedWrite => Kind != OperationKind.Get && Status is 201 or 204;

    /// <summary>
    /// A write that may have taken effect without being acknowledged: no answer, or an answer (503, 504, other
    /// 5xx) that does not say nothing was written. Such a write may take effect at any time after it was sent.
    /// </summary>
    public bool IsIndeterminateWrite => Kind != OperationKind.Get && !IsAcknowledgedWrite && Status is 0 or >= 500;

    /// <summary>
    /// A delete answered 404, "no value to delete". It was attempted, and its coordinator may have written a
    /// tombstone all the same (a coordinator that timed out is replaced by the next one, which may find nothing);
    /// if it did, it did so before the answer came.
    /// </summary>
    public bool IsDeleteAnsweredNotFound => Kind == OperationKind.Delete && Status == 404;

    /// <summary>A write the store answered with a status that says it changed nothing: a 4xx other than a delete's 404.</summary>
    public bool IsRefusedWrite => Kind != OperationKind.Get && Status is >= 400 and < 500 && !IsDeleteAnsweredNotFound;

    /// <summary>A read that was answered with the key's state: 200 with a value or 404 for none.</summary>
    public bool IsAnsweredRead => Kind == OperationKind.Get && Status is 200 or 404;

    /// <summary>The operation as one line for failure output, times in seconds since <paramref name="origin"/>.</summary>
    public string Describe(long origin)
    {
        var answer = Status == 0 ? $"no answer ({Failure})" : Status.ToString(CultureInfo.InvariantCulture);
        var value = Value is null ? string.Empty : $" value {Value}";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{Seconds(Invoked, origin):F3}s → {Seconds(Completed, origin):F3}s] client {Client} {Kind.ToString().ToUpperInvariant()} {Key} via {Node}: {answer}{value}");
    }

    private static double Seconds(long timestamp, long origin) => (timestamp - origin) / (double)Stopwatch.Frequency;
}
