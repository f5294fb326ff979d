using System.Buffers;
using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The wire format of <c>POST /internal/v1/batch</c>: several node requests to one process in one body, and their
/// replies in the same order.
/// </summary>
/// <remarks>
/// A request batch is a JSON array of <c>{"to":"&lt;node id&gt;","request":{…}}</c>; the reply is an array with, at
/// the same index, either <c>{"reply":{…}}</c> or <c>{"status":404,"detail":"…"}</c> — the status and problem
/// detail the single-request endpoint would have answered for that request. Each <c>request</c> and <c>reply</c> is
/// exactly the body of <see cref="NodeRpcEndpoint"/>, written by the same <see cref="NodeMessageSerializer"/>.
/// </remarks>
internal static class NodeRpcBatchFormat
{
    /// <summary>
    /// A batch stops taking requests once its serialized requests reach this many bytes (one request larger than
    /// that travels alone). The batch endpoint accepts this much beyond the single-request body limit, so every batch
    /// a node builds fits whatever that limit is.
    /// </summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>Writes a request batch from requests already serialized by <see cref="NodeMessageSerializer.SerializeRequest"/>.</summary>
    public static byte[] WriteRequests(IReadOnlyList<(NodeId To, byte[] Request)> items)
    {
        var buffer = new ArrayBufferWriter<byte>(items.Sum(item => item.Request.Length + 40) + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (to, request) in items)
            {
                writer.WriteStartObject();
                writer.WriteString("to", to.ToString());
                writer.WritePropertyName("request");
                writer.WriteRawValue(request, skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a request batch. An item whose <c>to</c> is not a node identifier comes back with a null request and the
    /// reason in <c>Error</c>, so that the others are still answered.
    /// </summary>
    /// <exception cref="JsonException">The body is not a batch, or a request in it is not a node request.</exception>
    /// <exception cref="NotSupportedException">A request lacks a <c>$type</c> the base type can be resolved with.</exception>
    public static List<(NodeId To, NodeRequest? Request, string? Error)> ReadRequests(ReadOnlySpan<byte> body, NodeMessageSerializer serializer)
    {
        var reader = new Utf8JsonReader(body);
        var items = new List<(NodeId, NodeRequest?, string?)>();
        Expect(ref reader, JsonTokenType.StartArray, "a JSON array of requests");
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType, JsonTokenType.StartObject, "an object {\"to\":…,\"request\":…}");
            string? to = null;
            NodeRequest? request = null;
            while (Read(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("to"u8))
                {
                    Read(ref reader);
                    to = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("request"u8))
                {
                    Read(ref reader);
                    request = serializer.ReadRequest(ref reader);
                }
                else
                {
                    Read(ref reader);
                    reader.Skip();
                }
            }

            if (request is null)
            {
                throw new JsonException("A batch item has no request object.");
            }

            items.Add(NodeId.TryParse(to, out var id)
                ? (id, request, null)
                : (default, null, $"'{to}' is not a node identifier: expected up to 16 hexadecimal digits."));
        }

        return items;
    }

    /// <summary>Writes the replies of a batch: each item is a reply or an error status with its detail.</summary>
    public static byte[] WriteReplies(IReadOnlyList<BatchItemOutcome> outcomes, NodeMessageSerializer serializer)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var outcome in outcomes)
            {
                writer.WriteStartObject();
                if (outcome.Reply is { } reply)
                {
                    writer.WritePropertyName("reply");
                    writer.WriteRawValue(serializer.SerializeReply(reply), skipInputValidation: true);
                }
                else
                {
                    writer.WriteNumber("status", outcome.Status);
                    writer.WriteString("detail", outcome.Detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the replies of a batch, in request order.</summary>
    /// <exception cref="JsonException">The body is not a batch reply, or a reply in it is not a node reply.</exception>
    /// <exception cref="NotSupportedException">A reply lacks a <c>$type</c> the base type can be resolved with.</exception>
    public static List<BatchItemReply> ReadReplies(ReadOnlySpan<byte> body, NodeMessageSerializer serializer)
    {
        var reader = new Utf8JsonReader(body);
        var replies = new List<BatchItemReply>();
        Expect(ref reader, JsonTokenType.StartArray, "a JSON array of replies");
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType, JsonTokenType.StartObject, "an object {\"reply\":…} or {\"status\":…}");
            NodeReply? reply = null;
            var status = 0;
            string? detail = null;
            while (Read(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("reply"u8))
                {
                    Read(ref reader);
                    reply = serializer.ReadReply(ref reader);
                }
                else if (reader.ValueTextEquals("status"u8))
                {
                    Read(ref reader);
                    status = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) ? number : 0;
                }
                else if (reader.ValueTextEquals("detail"u8))
                {
                    Read(ref reader);
                    detail = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    Read(ref reader);
                    reader.Skip();
                }
            }

            if (reply is null && status == 0)
            {
                throw new JsonException("A batch reply item has neither a reply nor an error status.");
            }

            replies.Add(new BatchItemReply(reply, status, detail));
        }

        return replies;
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The batch ends before its closing bracket.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what) => Expect(Read(ref reader), expected, what);

    private static void Expect(JsonTokenType actual, JsonTokenType expected, string what)
    {
        if (actual != expected)
        {
            throw new JsonException($"Expected {what}, found {actual}.");
        }
    }
}

/// <summary>What the batch endpoint answers for one item: a reply, or an error status and its detail.</summary>
internal readonly record struct BatchItemOutcome(NodeReply? Reply, int Status, string? Detail);

/// <summary>One item of a batch reply as the sender reads it: the reply, or the error status and its detail.</summary>
internal readonly record struct BatchItemReply(NodeReply? Reply, int Status, string? Detail);
