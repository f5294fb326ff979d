using System.Text.Json.Nodes;
using ChordKvs.Tests.EndToEnd;

namespace ChordKvs.Tests.Host;

/// <summary>
/// The runtime settings <c>chordkvs</c> ships in its runtimeconfig.json (from the host's project file), which
/// docs/performance.md measured and README.md documents.
/// </summary>
public class RuntimeConfigTests
{
    [Test]
    public void Idle_thread_pool_threads_block_instead_of_spinning()
    {
        Assert.That(ConfigProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")?.GetValue<int>(), Is.EqualTo(0));
    }

    [Test]
    public void Dynamic_pgo_is_off_so_a_fresh_node_serves_at_full_speed()
    {
        Assert.That(ConfigProperty("System.Runtime.TieredPGO")?.GetValue<bool>(), Is.False);
    }

    private static JsonNode? ConfigProperty(string name)
    {
        var path = Path.ChangeExtension(ChordKvsExecutable.Locate(), ".runtimeconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        var property = config["runtimeOptions"]?["configProperties"]?[name];
        Assert.That(property, Is.Not.Null, $"{path} sets {name}");
        return property;
    }
}
