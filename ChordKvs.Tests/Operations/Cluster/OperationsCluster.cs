using ChordKvs.Tests.Rest.Cluster;

namespace ChordKvs.Tests.Operations.Cluster;

/// <summary>One three-node cluster of real Kestrel nodes for the dashboard and metrics tests.</summary>
[SetUpFixture]
public sealed class OperationsCluster
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
