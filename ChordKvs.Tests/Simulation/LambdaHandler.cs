using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

/// <summary>A test node whose answer is whatever the test's function returns.</summary>
internal sealed class LambdaHandler : INodeRequestHandler
{
    private readonly Func<NodeRequest, Task<NodeReply>> handle;

    public LambdaHandler(Func<NodeRequest, Task<NodeReply>> handle)
    {
        this.handle = handle;
    }

    public Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken = default) => handle(request);
}
