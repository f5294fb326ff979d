using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

/// <summary>Entries on nodes that do not replicate them move to the key's replicas and are then forgotten there.</summary>
public class StrayEntryHandOffTests
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(1);

    [Test]
    public void A_newer_version_held_only_by_a_stand_in_reaches_every_replica_and_leaves_the_stand_in()
    {
        var cluster = new SimulatedCluster(13);
        cluster.Start(6);
        Assert.That(cluster.RunUntil(() => true, SettleLimit), Is.True, $"the ring should form: {cluster.FindRingError()}");
        var client = cluster.LiveNodes[0];
        cluster.Put(client, "stray", "1", writeQuorum: 3);
        var replicas = cluster.ExpectedReplicasOf("stray").Select(replica => cluster.Find(replica.Id)!).ToList();
        var older = replicas[0].Store.Get("stray")!;
        cluster.Put(client, "stray", "2", writeQuorum: 3);
        var newer = replicas[0].Store.Get("stray")!;

        // As if the newer write had been taken by a stand-in while every replica was down: only the stand-in has it.
        var standIn = cluster.LiveNodes.First(node => !replicas.Contains(node));
        foreach (var replica in replicas)
        {
            Assert.That(replica.Store.RemoveIfUnchanged(newer), Is.True);
            replica.Store.Apply(older);
        }

        standIn.Store.Apply(newer);

        var moved = cluster.RunUntil(() => replicas.All(replica => replica.Store.Get("stray")?.Version == newer.Version) && standIn.Store.Get("stray") is null, SettleLimit);

        Assert.That(moved, Is.True, $"replicas hold {string.Join(", ", replicas.Select(replica => replica.Store.Get("stray")?.Version))}, " +
            $"the stand-in {standIn.Store.Get("stray")?.Version.ToString() ?? "nothing"}; expected {newer.Version} on the replicas only");
    }
}
