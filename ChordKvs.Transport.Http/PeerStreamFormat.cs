using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The binary encoding of request batches and their replies on the peer stream (<see cref="PeerStreamFrame"/>): the
/// messages every client request causes (replica reads and writes, forwarded reads and writes, and their replies) are
/// written field by field, every other message as its JSON (<see cref="NodeMessageSerializer"/>) behind a length.
/// </summary>
/// <remarks>
/// <para>
/// A request batch is a sequence of items, each the 8-byte identifier of the node it is for followed by a request
/// (<see cref="WriteRequest"/>); the reply batch has one reply per request, in the same order. All integers are
/// little-endian. The client path skips System.Text.Json's polymorphic reader and writer, which took a fifth of a
/// 3-node cluster's CPU when every message was JSON, and base64, which a value took inside JSON.
/// </para>
/// <para>
/// Requests, by their first byte: 0, JSON (bytes); 1, <see cref="ReplicaReadRequest"/> (key); 2,
/// <see cref="ReplicaWriteRequest"/> (entry); 3, <see cref="CoordinateReadRequest"/> (key, quorum); 4,
/// <see cref="CoordinateWriteRequest"/> (key, value bytes, a byte of flags — 1 if-exists, 2 if-absent, 4 stored by
/// the sender — the if-match version, quorum, expiry, and with flag 4 the sender's node identifier as uint64). Replies: 0, JSON (bytes); 1, <see cref="ReplicaReadReply"/> (a byte 0 or 1 and,
/// after 1, the entry); 2, <see cref="AckReply"/>; 3, <see cref="ClientResultReply"/> (the outcome as a byte, version,
/// value bytes, acknowledged and required as int32, problem); 255, the error a request met (uint16 HTTP status, detail).
/// </para>
/// <para>
/// Fields: bytes are an int32 count and the bytes, −1 for none; a string is bytes of UTF-8; a quorum an int32, −1 for
/// the default; a version a byte 0 (none) or 1 followed by the packed timestamp and the writer (uint64 each); a time
/// UTC ticks as int64, 0 for none. An entry is its key, value bytes (none for a tombstone), version (without the flag),
/// purge time and expiry. A reader that meets anything else throws <see cref="InvalidDataException"/>, and the stream
/// is closed.
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

    // Request and reply kinds are numbered apart; a kind names a request in a request batch and a reply in a reply batch.
    private const byte JsonKind = 0;
    private const byte ReplicaReadKind = 1;
    private const byte ReplicaWriteKind = 2;
    private const byte CoordinateReadKind = 3;
    private const byte CoordinateWriteKind = 4;
    private const byte AckKind = 2;
    private const byte ClientResultKind = 3;
    private const byte ErrorKind = 255;

    private const int MaxKeptRequestBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? requestBuffer;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One request as an item of a batch, less the node identifier that <see cref="WriteRequests"/> puts before it.</summary>
    public static byte[] WriteRequest(NodeRequest request, NodeMessageSerializer serializer)
    {
        // One buffer per thread, so that a request costs one array: the one returned.
        var buffer = requestBuffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = new Writer(buffer);
        switch (request)
        {
            case ReplicaReadRequest read:
                writer.Byte(ReplicaReadKind);
                writer.String(read.Key);
                break;
            case ReplicaWriteRequest write:
                writer.Byte(ReplicaWriteKind);
                writer.Entry(write.Entry);
                break;
            case CoordinateReadRequest read:
                writer.Byte(CoordinateReadKind);
                writer.String(read.Key);
                writer.OptionalInt32(read.ReadQuorum);
                break;
            case CoordinateWriteRequest write:
                writer.Byte(CoordinateWriteKind);
                writer.String(write.Key);
                writer.OptionalBytes(write.Value);
                writer.Byte((byte)((write.Conditions.IfExists ? 1 : 0) | (write.Conditions.IfAbsent ? 2 : 0) | (write.StoredBySender is null ? 0 : 4)));
                writer.OptionalVersion(write.Conditions.IfMatch);
                writer.OptionalInt32(write.WriteQuorum);
                writer.Time(write.ExpiresAt);
                if (write.StoredBySender is { } sender)
                {
                    writer.UInt64(sender.Value);
                }

                break;
            default:
                writer.Byte(JsonKind);
                writer.Bytes(serializer.SerializeRequest(request));
                break;
        }

        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > MaxKeptRequestBuffer)
        {
            // A large value passed through: let the buffer go rather than keep it for the thread's lifetime.
            requestBuffer = null;
        }

        return bytes;
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
                CoordinateReadKind => new CoordinateReadRequest(reader.String(), reader.OptionalInt32()),
                CoordinateWriteKind => reader.CoordinateWrite(),
                JsonKind => ReadJson(reader.Bytes(reader.Int32()), serializer.ReadRequest) ?? throw new InvalidDataException("A request is the JSON literal null."),
                var kind => throw new InvalidDataException($"Unknown request kind {kind}."),
            };
            items.Add((to, request, null));
        }

        return items;
    }

    /// <summary>Writes the replies of a batch, in request order.</summary>
    public static void WriteReplies(IBufferWriter<byte> buffer, IReadOnlyList<BatchItemOutcome> outcomes, NodeMessageSerializer serializer)
    {
        var writer = new Writer(buffer);
        foreach (var outcome in outcomes)
        {
            switch (outcome.Reply)
            {
                case ReplicaReadReply read:
                    writer.Byte(ReplicaReadKind);
                    writer.Byte(read.Entry is null ? (byte)0 : (byte)1);
                    if (read.Entry is { } entry)
                    {
                        writer.Entry(entry);
                    }

                    break;
                case AckReply:
                    writer.Byte(AckKind);
                    break;
                case ClientResultReply { Result: var result }:
                    writer.Byte(ClientResultKind);
                    writer.Byte((byte)result.Outcome);
                    writer.OptionalVersion(result.Version);
                    writer.OptionalBytes(result.Value);
                    writer.Int32(result.Acknowledged);
                    writer.Int32(result.Required);
                    writer.OptionalString(result.Problem);
                    break;
                case { } other:
                    writer.Byte(JsonKind);
                    writer.Bytes(serializer.SerializeReply(other));
                    break;
                default:
                    writer.Byte(ErrorKind);
                    writer.UInt16(checked((ushort)outcome.Status));
                    writer.String(outcome.Detail ?? string.Empty);
                    break;
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
                ClientResultKind => new BatchItemReply(new ClientResultReply(reader.ClientResult()), 0, null),
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

    /// <summary>Writes the fields of the format to a buffer.</summary>
    private readonly ref struct Writer(IBufferWriter<byte> buffer)
    {
        public void Byte(byte value)
        {
            buffer.GetSpan(1)[0] = value;
            buffer.Advance(1);
        }

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.GetSpan(sizeof(ushort)), value);
            buffer.Advance(sizeof(ushort));
        }

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(sizeof(int)), value);
            buffer.Advance(sizeof(int));
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.GetSpan(sizeof(ulong)), value);
            buffer.Advance(sizeof(ulong));
        }

        public void OptionalInt32(int? value) => Int32(value ?? -1);

        public void String(string text)
        {
            var span = buffer.GetSpan(sizeof(int) + Encoding.UTF8.GetMaxByteCount(text.Length));
            var length = Encoding.UTF8.GetBytes(text, span[sizeof(int)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span, length);
            buffer.Advance(sizeof(int) + length);
        }

        public void OptionalString(string? text)
        {
            if (text is null)
            {
                Int32(-1);
            }
            else
            {
                String(text);
            }
        }

        public void Bytes(byte[] bytes)
        {
            Int32(bytes.Length);
            buffer.Write(bytes);
        }

        public void OptionalBytes(byte[]? bytes)
        {
            if (bytes is null)
            {
                Int32(-1);
            }
            else
            {
                Bytes(bytes);
            }
        }

        public void Version(EntryVersion version)
        {
            UInt64(version.Timestamp.Packed);
            UInt64(version.Writer.Value);
        }

        public void OptionalVersion(EntryVersion? version)
        {
            Byte(version is null ? (byte)0 : (byte)1);
            if (version is { } present)
            {
                Version(present);
            }
        }

        public void Time(DateTimeOffset? time) => UInt64((ulong)(time?.UtcTicks ?? 0));

        public void Entry(StoredEntry entry)
        {
            String(entry.Key);
            OptionalBytes(entry.Value);
            Version(entry.Version);
            Time(entry.PurgeAfter);
            Time(entry.ExpiresAt);
        }
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

        public string String() => Utf8(Bytes(Int32()));

        public int? OptionalInt32() => Int32() is var value and not -1 ? value : null;

        public byte[]? OptionalBytes() => Int32() is var length and not -1 ? Bytes(length).ToArray() : null;

        public string? OptionalString() => Int32() is var length and not -1 ? Utf8(Bytes(length)) : null;

        public EntryVersion Version() => new(HybridTimestamp.FromPacked(UInt64()), new NodeId(UInt64()));

        public EntryVersion? OptionalVersion() => Byte() switch
        {
            0 => null,
            1 => Version(),
            var flag => throw new InvalidDataException($"An optional version has the flag {flag}, not 0 or 1."),
        };

        public DateTimeOffset? Time()
        {
            var utcTicks = Int64();
            return utcTicks == 0 ? null
                : utcTicks > 0 && utcTicks <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(utcTicks, TimeSpan.Zero)
                : throw new InvalidDataException($"{utcTicks} is not a time in UTC ticks.");
        }

        public CoordinateWriteRequest CoordinateWrite()
        {
            var key = String();
            var value = OptionalBytes();
            var flags = Byte();
            if (flags > 7)
            {
                throw new InvalidDataException($"A write's flags are {flags}; only the three lowest bits are used.");
            }

            var conditions = new WriteConditions(OptionalVersion(), IfExists: (flags & 1) != 0, IfAbsent: (flags & 2) != 0);
            var (quorum, expiresAt) = (OptionalInt32(), Time());
            return new CoordinateWriteRequest(key, value, conditions, quorum, expiresAt, (flags & 4) != 0 ? new NodeId(UInt64()) : null);
        }

        public KvResult ClientResult()
        {
            var outcome = (KvOutcome)Byte();
            if (!Enum.IsDefined(outcome))
            {
                throw new InvalidDataException($"Unknown outcome {(int)outcome}.");
            }

            return new KvResult(outcome, OptionalVersion(), OptionalBytes(), Int32(), Int32(), OptionalString());
        }

        public StoredEntry Entry()
        {
            var key = String();
            var value = OptionalBytes();
            var version = Version();
            var purgeAfter = Time();
            var expiresAt = Time();
            try
            {
                return new StoredEntry(key, value, version, purgeAfter, expiresAt);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"Not a valid entry: {ex.Message}", ex);
            }
        }

        private static string Utf8(ReadOnlySpan<byte> bytes)
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new InvalidDataException("A string is not UTF-8.", ex);
            }
        }

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
