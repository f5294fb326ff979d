using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The wire format of node-to-node calls, shared by the client and the server so that both always agree.
/// </summary>
/// <remarks>
/// Production code uses <see cref="Default"/>, backed by the source-generated <see cref="NodeMessageJsonContext"/>
/// (no reflection). Tests register another instance in the container to carry message types that exist only in
/// the test assembly.
/// </remarks>
internal sealed class NodeMessageSerializer
{
    private readonly JsonTypeInfo<NodeRequest> requestInfo;
    private readonly JsonTypeInfo<NodeReply> replyInfo;

    /// <summary>Creates a serializer over the given metadata for the two message base types.</summary>
    public NodeMessageSerializer(JsonTypeInfo<NodeRequest> requestInfo, JsonTypeInfo<NodeReply> replyInfo)
    {
        this.requestInfo = requestInfo;
        this.replyInfo = replyInfo;
    }

    /// <summary>The serializer over <see cref="NodeMessageJsonContext"/>.</summary>
    public static NodeMessageSerializer Default { get; } = new(NodeMessageJsonContext.Default.NodeRequest, NodeMessageJsonContext.Default.NodeReply);

    /// <summary>The media type of request and reply bodies.</summary>
    public const string MediaType = "application/json";

    /// <summary>
    /// Serialises a request to UTF-8 bytes. Bodies are small, so a byte array (sent with a Content-Length) is
    /// cheaper for both ends than a chunked stream.
    /// </summary>
    public byte[] SerializeRequest(NodeRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, requestInfo);

    /// <summary>Serialises a reply to UTF-8 bytes.</summary>
    public byte[] SerializeReply(NodeReply reply) => JsonSerializer.SerializeToUtf8Bytes(reply, replyInfo);

    /// <summary>Reads a request body; null when the body is the JSON literal <c>null</c>.</summary>
    /// <exception cref="JsonException">The body is not JSON or not a known request.</exception>
    /// <exception cref="NotSupportedException">The body lacks a <c>$type</c> the base type can be resolved with.</exception>
    public ValueTask<NodeRequest?> ReadRequestAsync(Stream body, CancellationToken cancellationToken) =>
        JsonSerializer.DeserializeAsync(body, requestInfo, cancellationToken);

    /// <summary>Reads one request at the reader's position (inside a batch); null for the JSON literal <c>null</c>.</summary>
    public NodeRequest? ReadRequest(ref Utf8JsonReader reader) => JsonSerializer.Deserialize(ref reader, requestInfo);

    /// <summary>Reads one reply at the reader's position (inside a batch); null for the JSON literal <c>null</c>.</summary>
    public NodeReply? ReadReply(ref Utf8JsonReader reader) => JsonSerializer.Deserialize(ref reader, replyInfo);

    /// <summary>Reads a reply body; null when the body is the JSON literal <c>null</c>.</summary>
    /// <exception cref="JsonException">The body is not JSON or not a known reply.</exception>
    /// <exception cref="NotSupportedException">The body lacks a <c>$type</c> the base type can be resolved with.</exception>
    public ValueTask<NodeReply?> ReadReplyAsync(Stream body, CancellationToken cancellationToken) =>
        JsonSerializer.DeserializeAsync(body, replyInfo, cancellationToken);
}
