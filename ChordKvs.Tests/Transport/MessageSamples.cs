using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Serialization;
using ChordKvs.Core.Ring;
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
