using Microsoft.Extensions.Hosting;

namespace ChordKvs.Host;

/// <summary>
/// A host lifetime that does not listen to Ctrl-C or SIGTERM, for hosts whose owner stops them itself: the
/// demo stops its nodes one after another, so that each leaves a ring whose other nodes are still there.
/// </summary>
internal sealed class DetachedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
