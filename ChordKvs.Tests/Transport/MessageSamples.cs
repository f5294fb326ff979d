using System.Collections.Immutable;
using System.Reflection;
using System.Text;
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
    private static readonly EntryVersion Version = new(new HybridTimestamp(1_700_000_000_000, 7), B.Id);
    private static readonly EntryVersion OtherVersion = new(new HybridTimestamp(1_700_000_000_001, 0), A.Id);
    private static readonly DateTimeOffset PurgeAfter = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly StoredEntry LiveEntry = StoredEntry.Live("users/42", Encoding.UTF8.GetBytes("{ \"name\" : \"Ada\u00e9 é\" }"), Version);
    private static readonly StoredEntry Tombstone = StoredEntry.Tombstone("deleted/ключ", OtherVersion, PurgeAfter);
    private static readonly NodeStatus Status = new(A, ChordNodeStatus.Member, D, [B, C], [B, C, D], 12, 3, 4096);

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
        new("find successor step next hops", new FindSuccessorStepRequest(NodeId.Zero), new FindSuccessorStepReply(false, [D, B])),
        new("notify", new NotifyRequest(B), AckReply.Instance),
        new("predecessor leaving without new predecessor", new PredecessorLeavingRequest(A, null), AckReply.Instance),
        new("predecessor leaving with new predecessor", new PredecessorLeavingRequest(A, D), AckReply.Instance),
        new("successor leaving", new SuccessorLeavingRequest(B, [C, D]), AckReply.Instance),
        new("coordinate read found", new CoordinateReadRequest("users/42", 2), new ClientResultReply(new KvResult(KvOutcome.Found, Version, LiveEntry.Value, 2, 2))),
        new("coordinate read not found", new CoordinateReadRequest("", 1), new ClientResultReply(new KvResult(KvOutcome.NotFound, null, null, 1, 1, "No value."))),
        new("coordinate put with conditions", new CoordinatePutRequest("k", Encoding.UTF8.GetBytes("[1,2]"), new WriteConditions(Version, IfExists: true), 3), new ClientResultReply(new KvResult(KvOutcome.PreconditionFailed, OtherVersion, Problem: "The version differs."))),
        new("coordinate put create-only of an empty string value", new CoordinatePutRequest("k", Encoding.UTF8.GetBytes("\"\""), new WriteConditions(IfAbsent: true), 1), new ClientResultReply(new KvResult(KvOutcome.Created, Version, null, 1, 1))),
        new("coordinate delete", new CoordinateDeleteRequest("k", WriteConditions.None, 2), new ClientResultReply(new KvResult(KvOutcome.Unavailable, null, null, 1, 2, "Only 1 of 2."))),
        new("replica write of a value", new ReplicaWriteRequest(LiveEntry), AckReply.Instance),
        new("replica write of a tombstone", new ReplicaWriteRequest(Tombstone), AckReply.Instance),
        new("replica read of a tombstone", new ReplicaReadRequest("deleted/ключ"), new ReplicaReadReply(Tombstone)),
        new("replica read of nothing", new ReplicaReadRequest("absent"), new ReplicaReadReply(null)),
        new("range digest", new RangeDigestRequest(D.Id, C.Id, 4), new RangeDigestReply([RangeDigest.Empty, new RangeDigest(ulong.MaxValue, 1), new RangeDigest(42, 7), RangeDigest.Empty])),
        new("range fetch first page", new RangeFetchRequest(A.Id, A.Id, null, 512), new RangeFetchReply([LiveEntry, Tombstone], new RangeCursor(Tombstone.KeyId, Tombstone.Key))),
        new("range fetch last page", new RangeFetchRequest(B.Id, A.Id, new RangeCursor(NodeId.MaxValue, "z"), 1), new RangeFetchReply(ImmutableArray<StoredEntry>.Empty, null)),
        new("range push", new RangePushRequest([Tombstone, LiveEntry]), AckReply.Instance),
        new("describe node", new DescribeNodeRequest(), new NodeStatusReply(Status)),
        new("describe a joining node", new DescribeNodeRequest(), new NodeStatusReply(new NodeStatus(B, ChordNodeStatus.Created, null, [B], [], 0, 0, 0))),
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
