using System.Collections.Concurrent;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// A node's request handler for transport tests: counts calls, keeps what it received and answers through a
/// script that sees the call number (1 for the first call), so a test can fail or stall just the first attempt.
/// </summary>
internal sealed class ScriptedHandler(Func<int, NodeRequest, CancellationToken, Task<NodeReply>> script) : INodeRequestHandler
{
    private int calls;

    /// <summary>How many requests reached the handler.</summary>
    public int Calls => Volatile.Read(ref calls);

    /// <summary>The requests that reached the handler, in arrival order.</summary>
    public ConcurrentQueue<NodeRequest> Received { get; } = new();

    /// <summary>Answers every request with <paramref name="reply"/>.</summary>
    public static ScriptedHandler Replying(NodeReply reply) => new((_, _, _) => Task.FromResult(reply));

    /// <summary>Answers every request by computing a reply from it.</summary>
    public static ScriptedHandler Replying(Func<NodeRequest, NodeReply> reply) => new((_, request, _) => Task.FromResult(reply(request)));

    /// <summary>Throws on every request.</summary>
    public static ScriptedHandler Throwing() =>
        new((call, _, _) => Task.FromException<NodeReply>(new InvalidOperationException($"Scripted failure of call {call}.")));

    /// <summary>Throws on the first request and answers later ones with <paramref name="reply"/>.</summary>
    public static ScriptedHandler FailingFirst(NodeReply reply) =>
        new((call, _, _) => call == 1 ? Task.FromException<NodeReply>(new InvalidOperationException("Scripted failure of the first call.")) : Task.FromResult(reply));

    /// <summary>
    /// Never answers the first <typeparamref name="TRequest"/> (it waits until the caller gives up) and answers
    /// every other request with <paramref name="reply"/>, so a test can warm the transport up with other requests.
    /// </summary>
    public static ScriptedHandler StallingFirst<TRequest>(NodeReply reply)
        where TRequest : NodeRequest
    {
        var stalled = 0;
        return new(async (_, request, cancellationToken) =>
        {
            if (request is TRequest && Interlocked.Exchange(ref stalled, 1) == 0)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return reply;
        });
    }

    public Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref calls);
        Received.Enqueue(request);
        return script(call, request, cancellationToken);
    }
}
