using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using ChordKvs.Core.Ring;

namespace ChordKvs.Transport.Http;

/// <summary>
/// One open WebSocket to a peer process's <see cref="ChordKvsInternalApi.StreamPath"/>: sends request batches under
/// correlation identifiers and hands each reply to the batch that waits for it (format: <see cref="PeerStreamFrame"/>).
/// </summary>
/// <remarks>
/// One reader loop receives every reply; sends take turns, as a WebSocket allows one at a time. Every failure
/// surfaces from <see cref="ExchangeAsync"/> as an <see cref="IOException"/> whose message says what happened: no reply
/// within the timeout (only that batch fails), or the connection broke or was closed (every batch waiting on it
/// fails, and <see cref="IsBroken"/> tells the owner to open a new one).
/// </remarks>
internal sealed class PeerStreamConnection : IDisposable
{
    private readonly ClientWebSocket socket;
    private readonly string authority;
    private readonly TimeSpan timeout;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly Lock gate = new();
    private readonly Dictionary<long, TaskCompletionSource<List<BatchItemReply>>> pending = [];
    private readonly NodeMessageSerializer serializer;
    private long lastId;
    private string? brokenReason;

    private PeerStreamConnection(ClientWebSocket socket, string authority, TimeSpan timeout, TimeProvider time, NodeMessageSerializer serializer)
    {
        this.socket = socket;
        this.serializer = serializer;
        this.authority = authority;
        this.timeout = timeout;
        this.time = time;
    }

    /// <summary>Whether the connection has failed or closed; a broken connection fails every exchange at once.</summary>
    public bool IsBroken => Volatile.Read(ref brokenReason) is not null;

    /// <summary>
    /// Opens the WebSocket (with the cluster secret, when there is one) and starts reading replies. Throws whatever
    /// opening it threw: the peer is unreachable, answered something other than an upgrade (404 from a version
    /// without the endpoint, 401 for a wrong secret), or did not answer within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<PeerStreamConnection> ConnectAsync(Uri uri, HttpMessageInvoker invoker, string? clusterSecret, TimeSpan timeout, TimeProvider time, NodeMessageSerializer serializer)
    {
        var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version11;
        socket.Options.AddSubProtocol(PeerStreamFormat.SubProtocol);
        if (!string.IsNullOrEmpty(clusterSecret))
        {
            socket.Options.SetRequestHeader(ChordKvsInternalApi.SecretHeaderName, clusterSecret);
        }

        try
        {
            using var connectTimeout = new CancellationTokenSource(timeout, time);
            await socket.ConnectAsync(uri, invoker, connectTimeout.Token);
            if (socket.SubProtocol != PeerStreamFormat.SubProtocol)
            {
                // A peer of an older version accepts the upgrade without the subprotocol, and would not read the format.
                throw new WebSocketException(WebSocketError.UnsupportedProtocol, $"{uri.Authority} does not speak the peer stream format '{PeerStreamFormat.SubProtocol}'");
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new PeerStreamConnection(socket, uri.Authority, timeout, time, serializer);
        _ = connection.ReadRepliesAsync();
        return connection;
    }

    /// <summary>Sends one batch (items from <see cref="PeerStreamFormat.WriteRequest"/>) and returns the peer's replies to it.</summary>
    /// <exception cref="TimeoutException">No reply within the timeout.</exception>
    /// <exception cref="IOException">The connection broke or was closed; the message says how.</exception>
    /// <exception cref="InvalidDataException">The replies are not in <see cref="PeerStreamFormat"/> (also <see cref="System.Text.Json.JsonException"/> and <see cref="NotSupportedException"/> for a JSON reply in it).</exception>
    public async Task<List<BatchItemReply>> ExchangeAsync(IReadOnlyList<(NodeId To, byte[] Request)> items)
    {
        // Completed by the reader loop, which reads the replies straight from its receive buffer; the continuation
        // (completing the callers' tasks) then runs on the loop's thread: that costs less than another thread wake-up.
        var reply = new TaskCompletionSource<List<BatchItemReply>>();
        long id;
        lock (gate)
        {
            if (brokenReason is { } reason)
            {
                throw new IOException(reason);
            }

            id = ++lastId;
            pending.Add(id, reply);
        }

        var frame = PeerStreamFrame.WriteRequests(id, items);
        using var deadline = new CancellationTokenSource(timeout, time);
        try
        {
            await sendLock.WaitAsync(deadline.Token);
            try
            {
                await socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, deadline.Token);
            }
            finally
            {
                sendLock.Release();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw Unanswered(id);
        }
        catch (Exception ex)
        {
            // A send that failed leaves the connection in an unknown state: nothing more can go over it.
            Break($"the peer stream to {authority} broke while sending: {ex.Message}");
            throw new IOException(brokenReason, ex);
        }

        try
        {
            return await reply.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw Unanswered(id);
        }
    }

    /// <summary>Aborts the connection; every batch waiting on it fails.</summary>
    public void Dispose()
    {
        Break($"the peer stream to {authority} was closed by this node");
        socket.Dispose();
        sendLock.Dispose();
    }

    private async Task ReadRepliesAsync()
    {
        var buffer = new byte[PeerStreamFrame.InitialReceiveBufferBytes];
        try
        {
            while (true)
            {
                // The peer is trusted with the size of its replies, as with the body of an HTTP reply.
                var message = await PeerStreamFrame.ReceiveAsync(socket, buffer, Array.MaxLength - 1, CancellationToken.None);
                (var type, var length, buffer) = message;
                if (type == WebSocketMessageType.Close)
                {
                    Break($"{authority} closed the peer stream ({socket.CloseStatus}: {socket.CloseStatusDescription})");
                    return;
                }

                if (!PeerStreamFrame.TryRead(buffer.AsSpan(0, length), out var id, out var replies))
                {
                    Break($"{authority} sent a peer stream message too short to carry a correlation identifier; it may run an incompatible version");
                    return;
                }

                TaskCompletionSource<List<BatchItemReply>>? waiting;
                lock (gate)
                {
                    pending.Remove(id, out waiting);
                }

                // A reply nobody waits for any more answers a batch that timed out: dropped unread.
                if (waiting is not null)
                {
                    try
                    {
                        waiting.TrySetResult(PeerStreamFormat.ReadReplies(replies, serializer));
                    }
                    catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or NotSupportedException)
                    {
                        // Only this batch is lost; the peer's framing held, so the stream goes on.
                        waiting.TrySetException(ex);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever ended the loop, nothing more will be received: every waiting batch must fail now.
            Break($"the peer stream to {authority} broke: {ex.Message}");
        }
    }

    /// <summary>Stops waiting for the reply to batch <paramref name="id"/> and says why.</summary>
    private TimeoutException Unanswered(long id)
    {
        lock (gate)
        {
            pending.Remove(id);
        }

        return new TimeoutException($"no answer from {authority} on the peer stream within {timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms (the attempt timeout)");
    }

    /// <summary>Marks the connection broken (the first reason wins) and fails every batch waiting on it.</summary>
    private void Break(string reason)
    {
        List<TaskCompletionSource<List<BatchItemReply>>> failed;
        lock (gate)
        {
            if (brokenReason is not null)
            {
                return;
            }

            brokenReason = reason;
            failed = [.. pending.Values];
            pending.Clear();
        }

        socket.Abort();
        foreach (var waiting in failed)
        {
            waiting.TrySetException(new IOException(reason));
        }
    }
}
