using System.Text;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Replication;

/// <summary>Client reads, writes and deletes through every node of a simulated five-node cluster (N = 3).</summary>
public class ReplicatedOperationTests
{
    [Test]
    public void A_value_written_through_one_node_reads_back_byte_for_byte_through_every_node()
    {
        var cluster = Clusters.Stable(5, seed: 1);
        var writer = cluster.LiveNodes[0];
        // Whitespace, escapes and number forms must survive exactly as written.
        const string Json = "{ \"name\" : \"Zo\u00eb \\u00e9\",\n  \"n\": [1, 2.50, 3e2, -0], \"ok\": true , \"none\": null }";
        var keys = Enumerable.Range(0, 12).Select(i => $"users/{i}").ToList();

        var versions = new Dictionary<string, EntryVersion>();
        foreach (var key in keys)
        {
            var written = cluster.Put(writer, key, Json);
            Assert.That(written.Outcome, Is.EqualTo(KvOutcome.Created), $"{key}: {written.Problem}");
            Assert.That(written.Version, Is.Not.Null, "a write reports the version it made");
            Assert.That(written.Acknowledged, Is.GreaterThanOrEqualTo(written.Required).And.EqualTo(2), "the default W of N = 3 is 2");
            versions[key] = written.Version!.Value;
        }

        foreach (var reader in cluster.LiveNodes.Skip(1))
        {
            foreach (var key in keys)
            {
                var read = cluster.Get(reader, key);
                Assert.That(read.Outcome, Is.EqualTo(KvOutcome.Found), $"{key} through {reader.Self}: {read.Problem}");
                Assert.That(read.Value, Is.EqualTo(Encoding.UTF8.GetBytes(Json)), $"{key} through {reader.Self} must be the bytes written");
                Assert.That(read.Version, Is.EqualTo(versions[key]), $"{key} through {reader.Self} carries the version of the write");
            }
        }

        Clusters.AssertHealthy(cluster);
    }

    [Test]
    public void An_overwrite_replaces_the_value_everywhere_with_a_newer_version()
    {
        var cluster = Clusters.Stable(5, seed: 2);
        var first = cluster.Put(cluster.LiveNodes[1], "config", """{"v":1}""");
        var second = cluster.Put(cluster.LiveNodes[3], "config", """{"v":2}""");

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(KvOutcome.Created), first.Problem);
            Assert.That(second.Outcome, Is.EqualTo(KvOutcome.Replaced), second.Problem);
            Assert.That(second.Version!.Value, Is.GreaterThan(first.Version!.Value), "the overwrite's version must beat the first");
        });
        Clusters.AssertReadable(cluster, new Dictionary<string, string?> { ["config"] = """{"v":2}""" });
    }

    [Test]
    public void A_deleted_key_is_not_found_through_any_node_and_a_second_delete_finds_nothing()
    {
        var cluster = Clusters.Stable(5, seed: 3);
        Assert.That(cluster.Put(cluster.LiveNodes[0], "doomed", "[1,2,3]").Outcome, Is.EqualTo(KvOutcome.Created));

        var deleted = cluster.Delete(cluster.LiveNodes[2], "doomed");
        var again = cluster.Delete(cluster.LiveNodes[4], "doomed");
        var never = cluster.Delete(cluster.LiveNodes[1], "never-written");

        Assert.Multiple(() =>
        {
            Assert.That(deleted.Outcome, Is.EqualTo(KvOutcome.Deleted), deleted.Problem);
            Assert.That(again.Outcome, Is.EqualTo(KvOutcome.NotFound), "deleting a deleted key finds nothing");
            Assert.That(never.Outcome, Is.EqualTo(KvOutcome.NotFound), "deleting a key never written finds nothing");
            Assert.That(cluster.HoldersOf("never-written"), Is.Empty, "a delete that finds nothing writes nothing");
        });
        Clusters.AssertReadable(cluster, new Dictionary<string, string?> { ["doomed"] = null });

        // Tombstones, not absences, protect the delete: every replica ends up holding one.
        var placement = cluster.RunUntilNoError(() => cluster.FindPlacementError([new("doomed", null)]), Clusters.SettleLimit, Clusters.CheckEvery);
        Assert.That(placement, Is.Null);
    }

    [Test]
    public void Tombstones_are_purged_after_the_grace_period()
    {
        var options = Clusters.FastOptions();
        options.Replication.TombstoneGracePeriod = TimeSpan.FromMinutes(2);
        var cluster = Clusters.Stable(4, seed: 4, options);
        cluster.Put(cluster.LiveNodes[0], "short-lived", "1");
        Assert.That(cluster.Delete(cluster.LiveNodes[0], "short-lived").Outcome, Is.EqualTo(KvOutcome.Deleted));
        cluster.Scheduler.RunFor(TimeSpan.FromSeconds(30));
        Assert.That(cluster.HoldersOf("short-lived"), Has.Count.EqualTo(3), "within the grace period every replica keeps the tombstone");

        var purged = cluster.Scheduler.RunUntil(() => cluster.HoldersOf("short-lived").Count == 0, TimeSpan.FromMinutes(5));

        Assert.That(purged, Is.True, "the tombstones should be purged soon after the 2-minute grace period");
        Assert.That(cluster.Get(cluster.LiveNodes[1], "short-lived").Outcome, Is.EqualTo(KvOutcome.NotFound));
    }

    [Test]
    public void Create_only_fails_on_an_existing_key_and_leaves_the_value_unchanged()
    {
        var cluster = Clusters.Stable(5, seed: 5);
        var created = cluster.Put(cluster.LiveNodes[0], "unique", """{"owner":"a"}""", new WriteConditions(IfAbsent: true));
        var refused = cluster.Put(cluster.LiveNodes[3], "unique", """{"owner":"b"}""", new WriteConditions(IfAbsent: true));

        Assert.Multiple(() =>
        {
            Assert.That(created.Outcome, Is.EqualTo(KvOutcome.Created), created.Problem);
            Assert.That(refused.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed));
            Assert.That(refused.Version, Is.EqualTo(created.Version), "a failed precondition reports the current version");
            Assert.That(refused.Problem, Does.Contain("already has a value"));
        });
        Clusters.AssertReadable(cluster, new Dictionary<string, string?> { ["unique"] = """{"owner":"a"}""" });
    }

    [Test]
    public void If_match_succeeds_with_the_current_version_and_fails_with_a_stale_one()
    {
        var cluster = Clusters.Stable(5, seed: 6);
        var v1 = cluster.Put(cluster.LiveNodes[0], "doc", """{"rev":1}""").Version!.Value;
        var v2 = cluster.Put(cluster.LiveNodes[1], "doc", """{"rev":2}""", new WriteConditions(IfMatch: v1));
        var stale = cluster.Put(cluster.LiveNodes[2], "doc", """{"rev":"lost"}""", new WriteConditions(IfMatch: v1));
        var staleDelete = cluster.Delete(cluster.LiveNodes[3], "doc", new WriteConditions(IfMatch: v1));
        var mustExist = cluster.Put(cluster.LiveNodes[4], "absent", "0", new WriteConditions(IfExists: true));

        Assert.Multiple(() =>
        {
            Assert.That(v2.Outcome, Is.EqualTo(KvOutcome.Replaced), $"If-Match with the current version should write: {v2.Problem}");
            Assert.That(stale.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "If-Match with a stale version must fail");
            Assert.That(stale.Version, Is.EqualTo(v2.Version), "the failure names the current version");
            Assert.That(staleDelete.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "a delete honours If-Match too");
            Assert.That(mustExist.Outcome, Is.EqualTo(KvOutcome.PreconditionFailed), "If-Match: * on an absent key must fail");
            Assert.That(cluster.HoldersOf("absent"), Is.Empty, "a failed condition writes nothing");
        });
        Clusters.AssertReadable(cluster, new Dictionary<string, string?> { ["doc"] = """{"rev":2}""" });

        var currentDelete = cluster.Delete(cluster.LiveNodes[3], "doc", new WriteConditions(IfMatch: v2.Version));
        Assert.That(currentDelete.Outcome, Is.EqualTo(KvOutcome.Deleted), currentDelete.Problem);
    }

    [Test]
    public void Bad_input_is_rejected_before_anything_is_sent_and_changes_nothing()
    {
        var options = Clusters.FastOptions();
        options.Limits.MaxValueBytes = 64;
        var cluster = Clusters.Stable(5, seed: 7, options);
        var node = cluster.LiveNodes[2];
        cluster.Put(node, "existing", """{"keep":true}""");
        var liveBefore = cluster.LiveNodes.Sum(member => member.Store.LiveCount);
        var sentBefore = cluster.Network.MessagesSent;

        var cases = new (string What, Func<KvResult> Run, KvOutcome Expected)[]
        {
            ("an empty key", () => cluster.Put(node, string.Empty, "1"), KvOutcome.Invalid),
            ("a key with a control character", () => cluster.Put(node, "a\u0001b", "1"), KvOutcome.Invalid),
            ("a key over 1 KiB", () => cluster.Get(node, new string('k', 1025)), KvOutcome.TooLarge),
            ("malformed JSON", () => cluster.Put(node, "existing", "{\"keep\":"), KvOutcome.Invalid),
            ("two JSON values", () => cluster.Put(node, "existing", "1 2"), KvOutcome.Invalid),
            ("an empty body", () => cluster.Put(node, "existing", string.Empty), KvOutcome.Invalid),
            ("a value over the 64-byte limit", () => cluster.Put(node, "existing", $"\"{new string('x', 80)}\""), KvOutcome.TooLarge),
            ("write quorum 0", () => cluster.Put(node, "existing", "2", writeQuorum: 0), KvOutcome.Invalid),
            ("write quorum above N", () => cluster.Put(node, "existing", "2", writeQuorum: 4), KvOutcome.Invalid),
            ("read quorum 0", () => cluster.Get(node, "existing", readQuorum: 0), KvOutcome.Invalid),
            ("read quorum above N", () => cluster.Get(node, "existing", readQuorum: 4), KvOutcome.Invalid),
            ("delete quorum above N", () => cluster.Delete(node, "existing", writeQuorum: 4), KvOutcome.Invalid),
        };

        foreach (var (what, run, expected) in cases)
        {
            var result = run();
            Assert.That(result.Outcome, Is.EqualTo(expected), $"{what} should be {expected}");
            Assert.That(result.Problem, Is.Not.Null.And.Not.Empty, $"{what}: the result must say what is wrong");
        }

        Assert.Multiple(() =>
        {
            Assert.That(cluster.Network.MessagesSent, Is.EqualTo(sentBefore), "rejected requests must not send a single message");
            Assert.That(cluster.LiveNodes.Sum(member => member.Store.LiveCount), Is.EqualTo(liveBefore), "rejected requests must not change any store");
        });
        Clusters.AssertReadable(cluster, new Dictionary<string, string?> { ["existing"] = """{"keep":true}""" });
    }

    [Test]
    public void The_same_seed_replays_the_same_cluster_run()
    {
        static ulong Trace(int seed)
        {
            var cluster = Clusters.Stable(6, seed);
            Clusters.WriteKeys(cluster, 20);
            cluster.Crash(cluster.LiveNodes[2]);
            cluster.Scheduler.RunFor(TimeSpan.FromSeconds(20));
            return cluster.Network.TraceHash;
        }

        var first = Trace(seed: 8);
        var again = Trace(seed: 8);

        Assert.That(again, Is.EqualTo(first), "the same seed must replay the same event trace");
    }
}
