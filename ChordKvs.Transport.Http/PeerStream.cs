using System.Net.WebSockets;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The peer stream to one peer process: opened on first use, reopened after it breaks, and left alone for
/// <see cref="ReconnectBackoff"/> after an attempt to open it failed or a batch on it went unanswered, during which
/// requests take the HTTP path.
/// </summary>
/// <remarks>
/// One connection per peer process serves both of the transport's lanes (replica reads and writes, and requests that
/// wait on further calls): the peer answers batches concurrently and replies carry correlation identifiers, so a slow
/// request on the connection delays nothing but itself.
/// </remarks>
internal sealed class PeerStream(Uri uri, HttpMessageInvoker invoker, HttpTransportOptions options, TimeProvider time, NodeMessageSerializer serializer) : IDisposable
{
    /// <summary>
    /// How long a peer whose stream could not be opened is reached by HTTP only before opening the stream is tried
    /// again: long enough that a peer without the endpoint (an older version) or a peer that is down costs a failed
    /// attempt only every few seconds, short enough that a restarted peer gets its stream back soon.
    /// </summary>
    public static readonly TimeSpan ReconnectBackoff = TimeSpan.FromSeconds(3);

    private readonly Lock gate = new();
    private Task<PeerStreamConnection?>? current;
    private long? pausedAt;
    private bool disposed;

    /// <summary>
    /// The open connection, opening one first when there is none or the last one broke; null when the stream is not
    /// to be used now: opening it failed, or a batch on it went unanswered, less than <see cref="ReconnectBackoff"/> ago.
    /// </summary>
    public Task<PeerStreamConnection?> ConnectionAsync()
    {
        lock (gate)
        {
            if (disposed || (pausedAt is { } since && time.GetElapsedTime(since) < ReconnectBackoff))
            {
                return Task.FromResult<PeerStreamConnection?>(null);
            }

            pausedAt = null;
            if (current is { } attempt && (!attempt.IsCompleted || attempt.Result is { IsBroken: false }))
            {
                return attempt;
            }

            if (current is { IsCompleted: true, Result: { } broken })
            {
                broken.Dispose();
            }

            current = ConnectAsync();
            return current;
        }
    }

    /// <summary>
    /// Sends the peer's batches by HTTP for <see cref="ReconnectBackoff"/>, where retries and the circuit breaker deal
    /// with a peer that does not answer; batches already on the stream stay there.
    /// </summary>
    public void Pause()
    {
        lock (gate)
        {
            pausedAt = time.GetTimestamp();
        }
    }

    /// <summary>Closes the connection; later requests take the HTTP path.</summary>
    public void Dispose()
    {
        Task<PeerStreamConnection?>? last;
        lock (gate)
        {
            disposed = true;
            last = current;
        }

        if (last is { IsCompletedSuccessfully: true, Result: { } connection })
        {
            connection.Dispose();
        }
        else
        {
            last?.ContinueWith(static attempt => attempt.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private async Task<PeerStreamConnection?> ConnectAsync()
    {
        try
        {
            return await PeerStreamConnection.ConnectAsync(uri, invoker, options.ClusterSecret, options.AttemptTimeout, time, serializer);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException or IOException)
        {
            Pause();
            return null;
        }
    }
}
