using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Serialization;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// One request and reply of every message type nodes exchange, with the edge cases of their fields (null
/// predecessors, empty and long lists, identifiers at both ends of the circle). A message type added to
/// <see cref="NodeRequest"/> or <see cref="NodeReply"/> needs a sample here; <see cref="MessageSampleCoverageTests"/>
/// fails until it has one.
/// </summary>
public static class MessageSamples
{
    private static readonly NodeInfo A = new(new NodeId(0x0123_4567_89ab_cdefUL), "http://127.0.0.1:7001");
    private static readonly NodeInfo B = new(new NodeId(0xfedc_ba98_7654_3210UL), "http://127.0.0.1:7002");
    private static readonly NodeInfo C = new(NodeId.Zero, "http://10.0.0.3:7003");
    private static readonly NodeInfo D = new(NodeId.MaxValue, "http://node-d.example:7004");
    private static readonly EntryVersion V1 = new(new HybridTimestamp(1_767_225_600_000, 3), A.Id);
    private static readonly EntryVersion V2 = new(new HybridTimestamp(1_767_225_600_001, 0), B.Id);
    private static readonly StoredEntry LiveEntry = StoredEntry.Live("users/42 ✓", "{\"name\": \"Ada\"}"u8.ToArray(), V1);
    private static readonly StoredEntry ExpiringEntry = StoredEntry.Live("session", "1"u8.ToArray(), V1, new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero));
    private static readonly StoredEntry Tombstone = StoredEntry.Tombstone("gone", V2, new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero));

    /// <summary>A named request and the reply its handler gives.</summary>
    public sealed record Sample(string Name, NodeRequest Request, NodeReply Reply)
    {
        public override string ToString() => Name;
    }

    public static IReadOnlyList<Sample> All { get; } =
    [
        new("ping", new PingRequest(), new PingReply(A)),
        new("neighbors without predecessor", new GetNeighborsRequest(), new NeighborsReply(A, null, [A])),
        new("neighbors with predecessor", new GetNeighborsRequest(), new NeighborsReply(B, A, [C, D, A])),
        new("neighbors with empty successor list", new GetNeighborsRequest(), new NeighborsReply(C, D, ImmutableArray<NodeInfo>.Empty)),
        new("find successor step found", new FindSuccessorStepRequest(NodeId.MaxValue), new FindSuccessorStepReply(true, [C, A, B])),
        new("find successor step found, with the listed predecessor", new FindSuccessorStepRequest(NodeId.MaxValue), new FindSuccessorStepReply(true, [C, A, B], D)),
        new("find successor step next hops", new FindSuccessorStepRequest(NodeId.Zero), new FindSuccessorStepReply(false, [D, B])),
        new("notify", new NotifyRequest(B), AckReply.Instance),
        new("predecessor leaving without new predecessor", new PredecessorLeavingRequest(A, null), AckReply.Instance),
        new("predecessor leaving with new predecessor", new PredecessorLeavingRequest(A, D), AckReply.Instance),
        new("successor leaving", new SuccessorLeavingRequest(B, [C, D]), AckReply.Instance),
        new("successor joined", new SuccessorJoinedRequest(B, [C, D]), new NeighborsReply(A, D, [B, C, D])),
        new("coordinate read found", new CoordinateReadRequest("users/42 ✓", 2), new ClientResultReply(new KvResult(KvOutcome.Found, V1, "[1,2]"u8.ToArray(), 2, 2))),
        new("coordinate read default quorum, not found", new CoordinateReadRequest("k", null), new ClientResultReply(new KvResult(KvOutcome.NotFound, Problem: "Key 'k' has no value."))),
        new("coordinate conditional write", new CoordinateWriteRequest("k", "true"u8.ToArray(), new WriteConditions(IfMatch: V2, IfExists: true), 3), new ClientResultReply(new KvResult(KvOutcome.Replaced, V1, null, 3, 3))),
        new("coordinate write stored by its sender", new CoordinateWriteRequest("k", "{}"u8.ToArray(), default, 2, null, D.Id), new ClientResultReply(new KvResult(KvOutcome.Created, V2, null, 2, 2))),
        new("coordinate write that expires", new CoordinateWriteRequest("k", "1"u8.ToArray(), default, null, new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero)), new ClientResultReply(new KvResult(KvOutcome.Created, V1, null, 2, 2))),
        new("coordinate delete", new CoordinateWriteRequest("k", null, new WriteConditions(IfAbsent: true), null), new ClientResultReply(new KvResult(KvOutcome.Unavailable, null, null, 1, 2, "Only 1 of the 2 replicas needed acknowledged the write."))),
        new("replica write of a value", new ReplicaWriteRequest(LiveEntry), AckReply.Instance),
        new("replica write of a tombstone", new ReplicaWriteRequest(Tombstone), AckReply.Instance),
        new("replica write of a value that expires", new ReplicaWriteRequest(ExpiringEntry), AckReply.Instance),
        new("replica read found", new ReplicaReadRequest("users/42 ✓"), new ReplicaReadReply(LiveEntry)),
        new("replica read absent", new ReplicaReadRequest("none"), new ReplicaReadReply(null)),
        new("range digest", new RangeDigestRequest(D.Id, A.Id), new RangeDigestReply(new RangeDigest(ulong.MaxValue, 12))),
        new("range fetch", new RangeFetchRequest(C.Id, C.Id, 512), new RangeEntriesReply([LiveEntry, Tombstone], true)),
        new("range fetch, last batch", new RangeFetchRequest(A.Id, B.Id, 1), new RangeEntriesReply(ImmutableArray<StoredEntry>.Empty, false)),
        new("range push", new RangePushRequest([Tombstone, LiveEntry]), AckReply.Instance),
        new("describe node", new DescribeNodeRequest(), new NodeStatusReply(new NodeStatus(A, ChordNodeStatus.Member, D, [B, C], [B, D], 10, 2, 4096))),
    ];

    /// <summary>The samples as NUnit cases named after them.</summary>
    public static IEnumerable<TestCaseData> Cases() => All.Select(sample => new TestCaseData(sample).SetArgDisplayNames(sample.Name));

    /// <summary>The concrete types registered on a polymorphic message base type.</summary>
    public static IEnumerable<Type> RegisteredTypes(Type baseType) =>
        baseType.GetCustomAttributes<JsonDerivedTypeAttribute>().Select(attribute => attribute.DerivedType);
}

public class MessageSampleCoverageTests
{
    [Test]
    public void Every_registered_request_type_has_a_sample()
    {
        var sampled = MessageSamples.All.Select(sample => sample.Request.GetType()).ToHashSet();
        Assert.That(MessageSamples.RegisteredTypes(typeof(NodeRequest)), Is.Not.Empty.And.SubsetOf(sampled),
            "every [JsonDerivedType] of NodeRequest needs a sample in MessageSamples.All so the transport contract covers it");
    }

    [Test]
    public void Every_registered_reply_type_has_a_sample()
    {
        var sampled = MessageSamples.All.Select(sample => sample.Reply.GetType()).ToHashSet();
        Assert.That(MessageSamples.RegisteredTypes(typeof(NodeReply)), Is.Not.Empty.And.SubsetOf(sampled),
            "every [JsonDerivedType] of NodeReply needs a sample in MessageSamples.All so the transport contract covers it");
    }
}
