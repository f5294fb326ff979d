namespace ChordKvs.Tests.Transport;

/// <summary>What a test started (hosts, clients): disposed at tear-down, last started first.</summary>
internal sealed class TestResources
{
    private readonly List<IAsyncDisposable> started = [];

    /// <summary>Keeps <paramref name="resource"/> for disposal and returns it.</summary>
    public T Add<T>(T resource)
        where T : IAsyncDisposable
    {
        started.Add(resource);
        return resource;
    }

    /// <summary>Disposes everything added, in reverse order.</summary>
    public async Task DisposeAllAsync()
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }

        started.Clear();
    }
}
