using System.Text.Json.Serialization;

namespace ChordKvs.Core.Transport;

/// <summary>
/// A message one node sends another. Every concrete request is listed here so that the HTTP transport
/// can carry any of them through one endpoint with a type discriminator.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(PingRequest), "ping")]
[JsonDerivedType(typeof(GetNeighborsRequest), "neighbors")]
[JsonDerivedType(typeof(FindSuccessorStepRequest), "find-successor-step")]
[JsonDerivedType(typeof(NotifyRequest), "notify")]
[JsonDerivedType(typeof(PredecessorLeavingRequest), "predecessor-leaving")]
[JsonDerivedType(typeof(SuccessorLeavingRequest), "successor-leaving")]
[JsonDerivedType(typeof(SuccessorJoinedRequest), "successor-joined")]
[JsonDerivedType(typeof(CoordinateReadRequest), "coordinate-read")]
[JsonDerivedType(typeof(CoordinateWriteRequest), "coordinate-write")]
[JsonDerivedType(typeof(ReplicaWriteRequest), "replica-write")]
[JsonDerivedType(typeof(ReplicaReadRequest), "replica-read")]
[JsonDerivedType(typeof(RangeDigestRequest), "range-digest")]
[JsonDerivedType(typeof(RangeFetchRequest), "range-fetch")]
[JsonDerivedType(typeof(RangePushRequest), "range-push")]
[JsonDerivedType(typeof(DescribeNodeRequest), "describe-node")]
public abstract record NodeRequest
{
    /// <summary>
    /// Whether sending the request twice has the same effect as sending it once, so a transport may
    /// retry it after a timeout. Requests that change state say so by overriding this.
    /// </summary>
    [JsonIgnore]
    public virtual bool IsIdempotent => true;

    /// <summary>
    /// Whether the receiving node answers from its own state at once, without calling other nodes. A transport that
    /// carries several requests in one round trip (the HTTP transport does under load) keeps these apart from
    /// requests that wait on further calls, so that a slow forwarded request never holds up a replica's answer.
    /// </summary>
    [JsonIgnore]
    public virtual bool IsAnsweredLocally => false;
}

/// <summary>A request whose reply has the type <typeparamref name="TReply"/>.</summary>
public abstract record NodeRequest<TReply> : NodeRequest
    where TReply : NodeReply;

/// <summary>A node's answer to a <see cref="NodeRequest"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(AckReply), "ack")]
[JsonDerivedType(typeof(PingReply), "ping")]
[JsonDerivedType(typeof(NeighborsReply), "neighbors")]
[JsonDerivedType(typeof(FindSuccessorStepReply), "find-successor-step")]
[JsonDerivedType(typeof(ClientResultReply), "client-result")]
[JsonDerivedType(typeof(ReplicaReadReply), "replica-read")]
[JsonDerivedType(typeof(RangeDigestReply), "range-digest")]
[JsonDerivedType(typeof(RangeEntriesReply), "range-entries")]
[JsonDerivedType(typeof(NodeStatusReply), "node-status")]
public abstract record NodeReply;

/// <summary>The reply to a request that only needs to know it arrived.</summary>
public sealed record AckReply : NodeReply
{
    /// <summary>The one acknowledgement; it carries no data.</summary>
    public static AckReply Instance { get; } = new();
}
