using System.Diagnostics;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

/// <summary>
/// A sanity check of the simulator's speed, run by hand:
/// <c>dotnet test -c Release --filter "FullyQualifiedName~SimulatedNetworkThroughput"</c>.
/// It reports the wall time and asserts only what the run did, never how long it took.
/// </summary>
[Explicit("Throughput sanity check, run by hand; it measures, it does not gate.")]
[Category("Throughput")]
public class SimulatedNetworkThroughput
{
    [Test]
    public void One_million_ping_round_trips_between_a_thousand_nodes()
    {
        const int Nodes = 1000;
        const int PingsPerNode = 1000;
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
            for (var i = 0; i < PingsPerNode; i++)
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
        Assert.That(answered, Is.EqualTo(Nodes * PingsPerNode), "every ping was answered on a lossless network");
    }
}
