using System.Diagnostics;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

/// <summary>
/// Many nodes pinging each other at once on the simulated network: every ping is answered. It also reports the
/// simulator's speed; CI runs a small size, and the full million round trips run on demand with
/// <c>CHORDKVS_THROUGHPUT_PINGS=1000 dotnet test -c Release --filter "FullyQualifiedName~SimulatedNetworkThroughput"</c>.
/// It asserts only what the run did, never how long it took.
/// </summary>
[Category("Throughput")]
public class SimulatedNetworkThroughput
{
    [Test]
    public void Every_ping_between_a_thousand_nodes_is_answered()
    {
        const int Nodes = 1000;
        var pingsPerNode = int.TryParse(Environment.GetEnvironmentVariable("CHORDKVS_THROUGHPUT_PINGS"), out var pings) && pings > 0 ? pings : 20;
        var scheduler = new SimulationScheduler();
        var network = new SimulatedNetwork(scheduler, new Random(42));
        var nodes = Enumerable.Range(0, Nodes).Select(i => NodeInfo.FromAddress($"sim://node-{i}")).ToArray();
        foreach (var node in nodes)
        {
            network.Attach(node, new EchoHandler(node));
        }

        var targets = new Random(43);
        var ping = new PingRequest();
        var answered = 0;
        async Task PingLoopAsync(INodeTransport transport)
        {
            for (var i = 0; i < pingsPerNode; i++)
            {
                await transport.SendAsync(nodes[targets.Next(Nodes)], ping);
                answered++;
            }
        }

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        scheduler.Run(() => Task.WhenAll(nodes.Select(n => PingLoopAsync(network.CreateTransport(n)))), TimeSpan.FromHours(1));
        stopwatch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        TestContext.Out.WriteLine(
            $"{answered:N0} round trips ({network.MessagesDelivered:N0} messages, {scheduler.EventsRun:N0} events, {scheduler.Elapsed} virtual) " +
            $"in {stopwatch.Elapsed.TotalSeconds:F2} s wall time ({cpu.TotalSeconds:F2} s CPU, garbage collector included): {answered / stopwatch.Elapsed.TotalSeconds:N0} round trips/s");
        Assert.That(answered, Is.EqualTo(Nodes * pingsPerNode), "every ping was answered on a lossless network");
    }
}
