namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>
/// Starts one <see cref="KvCluster"/> of three nodes for every test in this namespace; tests use keys of their
/// own, so they do not disturb each other.
/// </summary>
[SetUpFixture]
public sealed class ThreeNodeCluster
{
    private static KvCluster? cluster;

    /// <summary>The running cluster.</summary>
    internal static KvCluster Instance => cluster ?? throw new InvalidOperationException("The cluster is started by the set-up fixture.");

    [OneTimeSetUp]
    public async Task StartAsync() => cluster = await KvCluster.StartAsync(3, TimeSpan.FromSeconds(30));

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
            cluster = null;
        }
    }
}
