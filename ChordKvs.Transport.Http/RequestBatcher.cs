using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Gathers the requests bound for one peer process into batches, so that under load many requests share one HTTP
/// round trip (and its system calls, which dominate the cost of a small call) instead of taking one each.
/// </summary>
/// <remarks>
/// There is no timer and no waiting for a batch to fill: a request goes out at once when fewer than
/// <c>maxInFlight</c> batches to the peer are on the wire, and otherwise joins the next batch, which leaves as soon
/// as one of them comes back. An idle peer therefore sees single requests with no added delay, and a busy one sees
/// batches that grow with the load. A batch stops growing at <see cref="NodeRpcBatchFormat.MaxRequestBytes"/>.
/// </remarks>
internal sealed class RequestBatcher
{
    private readonly Func<IReadOnlyList<PendingRequest>, Task> sendBatch;
    private readonly int maxInFlight;
    private readonly Lock gate = new();
    private readonly Queue<PendingRequest> queue = new();
    private int inFlight;

    /// <param name="sendBatch">Sends one batch and completes every item in it; it must not throw.</param>
    /// <param name="maxInFlight">How many batches to the peer may be on the wire at once.</param>
    public RequestBatcher(Func<IReadOnlyList<PendingRequest>, Task> sendBatch, int maxInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        this.sendBatch = sendBatch;
        this.maxInFlight = maxInFlight;
    }

    /// <summary>Queues a request; the task completes with its reply or fails as the batch carrying it failed.</summary>
    public Task<NodeReply> SendAsync(PendingRequest request)
    {
        bool startSender;
        lock (gate)
        {
            queue.Enqueue(request);
            startSender = inFlight < maxInFlight;
            if (startSender)
            {
                inFlight++;
            }
        }

        if (startSender)
        {
            _ = SendQueuedAsync();
        }

        return request.Completion.Task;
    }

    /// <summary>One sender: sends what is queued, batch after batch, until the queue is empty.</summary>
    private async Task SendQueuedAsync()
    {
        while (true)
        {
            List<PendingRequest> batch;
            lock (gate)
            {
                if (queue.Count == 0)
                {
                    inFlight--;
                    return;
                }

                batch = TakeBatch();
            }

            await sendBatch(batch);
        }
    }

    private List<PendingRequest> TakeBatch()
    {
        var batch = new List<PendingRequest>(Math.Min(queue.Count, 256));
        var bytes = 0;
        while (queue.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Body.Length <= NodeRpcBatchFormat.MaxRequestBytes))
        {
            batch.Add(queue.Dequeue());
            bytes += next.Body.Length;
        }

        return batch;
    }
}

/// <summary>A request waiting in a <see cref="RequestBatcher"/>: where it goes, its serialized body and its reply.</summary>
/// <param name="Target">The node the request is for.</param>
/// <param name="Request">The request.</param>
/// <param name="Body">
/// The request encoded for the path it will most likely take: for the peer stream (<see cref="PeerStreamFormat.WriteRequest"/>)
/// when streams are in use, else as JSON (<see cref="NodeMessageSerializer.SerializeRequest"/>). Its length is what the
/// batcher counts against <see cref="NodeRpcBatchFormat.MaxRequestBytes"/>. A batch cut by the stream's lengths that goes
/// by HTTP after all is larger as JSON (base64 values, escaped keys), which the batch endpoint's body limit
/// (<see cref="EndpointLimits.NodeBodyBytes"/>, room for a whole range hand-off in JSON on top) takes in.
/// </param>
/// <param name="CompleteInline">Whether the caller resumes on the thread that completes it (<see cref="HttpTransportOptions.CompleteRepliesInline"/>).</param>
internal sealed record PendingRequest(NodeInfo Target, NodeRequest Request, byte[] Body, bool CompleteInline = false)
{
    /// <summary>Completed by the batch sender with the reply or the failure.</summary>
    public TaskCompletionSource<NodeReply> Completion { get; } = new(CompleteInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
}
