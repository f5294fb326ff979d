using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Transport;

/// <summary>The internal RPC endpoint on its own, where a test can make the request body fail as a real server would.</summary>
public sealed class NodeRpcEndpointTests
{
    [Test]
    public async Task A_body_cut_short_by_its_sender_is_answered_400_problem_and_not_logged_as_an_error()
    {
        using var logs = new CapturingLoggerProvider();
        var registry = new LocalNodeRegistry();
        var handler = ScriptedHandler.Replying(AckReply.Instance);
        var node = NodeInfo.FromAddress("http://127.0.0.1:7000");
        registry.Register(node.Id, handler);
        var endpoint = new NodeRpcEndpoint(registry, NodeMessageSerializer.Default, logs.CreateLogger("rpc"));

        // What Kestrel throws when a sender that was killed or gave up closes the connection mid-body.
        var context = new DefaultHttpContext { Request = { Body = new FailingStream(new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest)) } };
        var result = await endpoint.HandleAsync(node.Id.ToString(), context);

        Assert.That(result.Result, Is.InstanceOf<ProblemHttpResult>(), "a body that cannot be read is answered with a problem");
        var problem = (ProblemHttpResult)result.Result;
        Assert.Multiple(() =>
        {
            Assert.That(problem.StatusCode, Is.EqualTo(StatusCodes.Status400BadRequest), "bad input, not a server failure");
            Assert.That(problem.ProblemDetails.Detail, Does.Contain("could not be read").And.Contain("Unexpected end of request content"));
            Assert.That(handler.Calls, Is.Zero, "nothing reaches the node");
            Assert.That(logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => entry.Message), Is.Empty, "a sender that went away is no error of this node");
        });
    }

    /// <summary>A request body whose every read fails with the given exception.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(failure);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
