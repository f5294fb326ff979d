using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The binary encoding of request batches and their replies on the peer stream (<see cref="PeerStreamFrame"/>): the
/// replica reads and writes that every client request causes are written field by field, every other message as its
/// JSON (<see cref="NodeMessageSerializer"/>) behind a length.
/// </summary>
/// <remarks>
/// <para>
/// A request batch is a sequence of items, each the 8-byte identifier of the node it is for followed by a request
/// (<see cref="WriteRequest"/>); the reply batch has one reply per request, in the same order. All integers are
/// little-endian. The hot messages skip System.Text.Json's polymorphic reader and writer, which took a fifth of a
/// 3-node cluster's CPU when every message was JSON, and base64, which a value took inside JSON.
/// </para>
/// <para>
/// Request: kind 0 (JSON), int32 length, the JSON; kind 1 (<see cref="ReplicaReadRequest"/>), the key; kind 2
/// (<see cref="ReplicaWriteRequest"/>), the entry. Reply: kind 0 (JSON), int32 length, the JSON; kind 1
/// (<see cref="ReplicaReadReply"/>), one byte 0 or 1 and, after 1, the entry; kind 2 (<see cref="AckReply"/>); kind 255,
/// the error a request met: uint16 HTTP status and the detail as a string. A string is an int32 byte count and its
/// UTF-8 bytes. An entry is its key (a string); its value as an int32 byte count and the bytes, or −1 for a tombstone;
/// the version's packed timestamp and writer (uint64 each); and the purge time and expiry as UTC ticks (int64, 0 for
/// none). A reader that meets anything else throws <see cref="InvalidDataException"/>, and the stream is closed.
/// </para>
/// <para>
/// The format is named by the WebSocket subprotocol <see cref="SubProtocol"/>: a peer of a version that speaks another
/// one is reached by HTTP instead.
/// </para>
/// </remarks>
internal static class PeerStreamFormat
{
    /// <summary>The WebSocket subprotocol that names this format; both ends require it.</summary>
    public const string SubProtocol = "chordkvs.peer.2";

    private const byte JsonKind = 0;
    private const byte ReplicaReadKind = 1;
    private const byte ReplicaWriteKind = 2;
    private const byte AckKind = 2;
    private const byte ErrorKind = 255;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One request as an item of a batch, less the node identifier that <see cref="WriteRequests"/> puts before it.</summary>
    public static byte[] WriteRequest(NodeRequest request, NodeMessageSerializer serializer)
    {
        switch (request)
        {
            case ReplicaReadRequest read:
            {
                var bytes = new byte[1 + StringLength(read.Key)];
                bytes[0] = ReplicaReadKind;
                WriteString(bytes.AsSpan(1), read.Key);
                return bytes;
            }

            case ReplicaWriteRequest write:
            {
                var bytes = new byte[1 + EntryLength(write.Entry)];
                bytes[0] = ReplicaWriteKind;
                WriteEntry(bytes.AsSpan(1), write.Entry);
                return bytes;
            }

            default:
            {
                var json = serializer.SerializeRequest(request);
                var bytes = new byte[1 + sizeof(int) + json.Length];
                bytes[0] = JsonKind;
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), json.Length);
                json.CopyTo(bytes.AsSpan(1 + sizeof(int)));
                return bytes;
            }
        }
    }

    /// <summary>Writes a request batch of requests already encoded by <see cref="WriteRequest"/>.</summary>
    public static void WriteRequests(IBufferWriter<byte> buffer, IReadOnlyList<(NodeId To, byte[] Request)> items)
    {
        foreach (var (to, request) in items)
        {
            var span = buffer.GetSpan(sizeof(ulong) + request.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(span, to.Value);
            request.CopyTo(span[sizeof(ulong)..]);
            buffer.Advance(sizeof(ulong) + request.Length);
        }
    }

    /// <summary>A buffer size that holds the request batch of <paramref name="items"/>.</summary>
    public static int RequestsSizeHint(IReadOnlyList<(NodeId To, byte[] Request)> items)
    {
        var size = 0;
        foreach (var (_, request) in items)
        {
            size += sizeof(ulong) + request.Length;
        }

        return size;
    }

    /// <summary>Reads a request batch.</summary>
    /// <exception cref="InvalidDataException">The batch is not in this format.</exception>
    /// <exception cref="JsonException">A JSON request in it is not a node request.</exception>
    /// <exception cref="NotSupportedException">A JSON request lacks a <c>$type</c> the base type can be resolved with.</exception>
    public static List<(NodeId To, NodeRequest? Request, string? Error)> ReadRequests(ReadOnlySpan<byte> batch, NodeMessageSerializer serializer)
    {
        var reader = new Reader(batch);
        var items = new List<(NodeId, NodeRequest?, string?)>();
        while (!reader.AtEnd)
        {
            var to = new NodeId(reader.UInt64());
            NodeRequest request = reader.Byte() switch
            {
                ReplicaReadKind => new ReplicaReadRequest(reader.String()),
                ReplicaWriteKind => new ReplicaWriteRequest(reader.Entry()),
                JsonKind => ReadJson(reader.Bytes(reader.Int32()), serializer.ReadRequest) ?? throw new InvalidDataException("A request is the JSON literal null."),
                var kind => throw new InvalidDataException($"Unknown request kind {kind}."),
            };
            items.Add((to, request, null));
        }

        return items;
    }

    /// <summary>Writes the replies of a batch, in request order.</summary>
    public static void WriteReplies(ArrayBufferWriter<byte> buffer, IReadOnlyList<BatchItemOutcome> outcomes, NodeMessageSerializer serializer)
    {
        foreach (var outcome in outcomes)
        {
            switch (outcome.Reply)
            {
                case ReplicaReadReply read:
                {
                    var length = 2 + (read.Entry is { } entry ? EntryLength(entry) : 0);
                    var span = buffer.GetSpan(length);
                    span[0] = ReplicaReadKind;
                    span[1] = read.Entry is null ? (byte)0 : (byte)1;
                    if (read.Entry is { } found)
                    {
                        WriteEntry(span[2..], found);
                    }

                    buffer.Advance(length);
                    break;
                }

                case AckReply:
                    buffer.GetSpan(1)[0] = AckKind;
                    buffer.Advance(1);
                    break;

                case { } other:
                {
                    var json = serializer.SerializeReply(other);
                    var span = buffer.GetSpan(1 + sizeof(int) + json.Length);
                    span[0] = JsonKind;
                    BinaryPrimitives.WriteInt32LittleEndian(span[1..], json.Length);
                    json.CopyTo(span[(1 + sizeof(int))..]);
                    buffer.Advance(1 + sizeof(int) + json.Length);
                    break;
                }

                default:
                {
                    var detail = outcome.Detail ?? string.Empty;
                    var length = 1 + sizeof(ushort) + StringLength(detail);
                    var span = buffer.GetSpan(length);
                    span[0] = ErrorKind;
                    BinaryPrimitives.WriteUInt16LittleEndian(span[1..], checked((ushort)outcome.Status));
                    WriteString(span[(1 + sizeof(ushort))..], detail);
                    buffer.Advance(length);
                    break;
                }
            }
        }
    }

    /// <summary>Reads the replies of a batch, in request order.</summary>
    /// <exception cref="InvalidDataException">The replies are not in this format.</exception>
    /// <exception cref="JsonException">A JSON reply in it is not a node reply.</exception>
    /// <exception cref="NotSupportedException">A JSON reply lacks a <c>$type</c> the base type can be resolved with.</exception>
    public static List<BatchItemReply> ReadReplies(ReadOnlySpan<byte> batch, NodeMessageSerializer serializer)
    {
        var reader = new Reader(batch);
        var replies = new List<BatchItemReply>();
        while (!reader.AtEnd)
        {
            replies.Add(reader.Byte() switch
            {
                ReplicaReadKind => new BatchItemReply(new ReplicaReadReply(reader.Byte() switch
                {
                    0 => null,
                    1 => reader.Entry(),
                    var flag => throw new InvalidDataException($"A replica read reply has the flag {flag}, not 0 or 1."),
                }), 0, null),
                AckKind => new BatchItemReply(AckReply.Instance, 0, null),
                JsonKind => new BatchItemReply(ReadJson(reader.Bytes(reader.Int32()), serializer.ReadReply) ?? throw new InvalidDataException("A reply is the JSON literal null."), 0, null),
                ErrorKind => new BatchItemReply(null, reader.UInt16(), reader.String()),
                var kind => throw new InvalidDataException($"Unknown reply kind {kind}."),
            });
        }

        return replies;
    }

    private delegate T? JsonRead<T>(ref Utf8JsonReader reader);

    private static T? ReadJson<T>(ReadOnlySpan<byte> json, JsonRead<T> read)
    {
        var reader = new Utf8JsonReader(json);
        return read(ref reader);
    }

    private static int StringLength(string text) => sizeof(int) + Encoding.UTF8.GetByteCount(text);

    private static int WriteString(Span<byte> span, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, span[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        return sizeof(int) + length;
    }

    private static int EntryLength(StoredEntry entry) =>
        StringLength(entry.Key) + sizeof(int) + entry.ValueLength + (2 * sizeof(ulong)) + (2 * sizeof(long));

    private static void WriteEntry(Span<byte> span, StoredEntry entry)
    {
        var at = WriteString(span, entry.Key);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], entry.Value?.Length ?? -1);
        at += sizeof(int);
        if (entry.Value is { } value)
        {
            value.CopyTo(span[at..]);
            at += value.Length;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], entry.Version.Timestamp.Packed);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], entry.Version.Writer.Value);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 16)..], entry.PurgeAfter?.UtcTicks ?? 0);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 24)..], entry.ExpiresAt?.UtcTicks ?? 0);
    }

    /// <summary>Reads the fields of the format from a span, throwing <see cref="InvalidDataException"/> where it ends too soon.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> rest = data;

        public readonly bool AtEnd => rest.IsEmpty;

        public byte Byte() => Take(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort)));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

        public ReadOnlySpan<byte> Bytes(int length) =>
            length >= 0 ? Take(length) : throw new InvalidDataException($"A length of {length} bytes.");

        public string String()
        {
            try
            {
                return StrictUtf8.GetString(Bytes(Int32()));
            }
            catch (DecoderFallbackException ex)
            {
                throw new InvalidDataException("A string is not UTF-8.", ex);
            }
        }

        public StoredEntry Entry()
        {
            var key = String();
            var valueLength = Int32();
            var value = valueLength == -1 ? null : Bytes(valueLength).ToArray();
            var version = new EntryVersion(HybridTimestamp.FromPacked(UInt64()), new NodeId(UInt64()));
            var purgeAfter = Int64();
            var expiresAt = Int64();
            try
            {
                return new StoredEntry(key, value, version, Time(purgeAfter), Time(expiresAt));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"Not a valid entry: {ex.Message}", ex);
            }
        }

        private static DateTimeOffset? Time(long utcTicks) =>
            utcTicks == 0 ? null
            : utcTicks > 0 && utcTicks <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(utcTicks, TimeSpan.Zero)
            : throw new InvalidDataException($"{utcTicks} is not a time in UTC ticks.");

        private ReadOnlySpan<byte> Take(int length)
        {
            if (rest.Length < length)
            {
                throw new InvalidDataException($"The batch ends {length - rest.Length} bytes early.");
            }

            var taken = rest[..length];
            rest = rest[length..];
            return taken;
        }
    }
}
