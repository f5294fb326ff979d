using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using ChordKvs.Core.Ring;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The messages of the peer stream (<see cref="ChordKvsInternalApi.StreamPath"/>): each binary WebSocket message is
/// an 8-byte little-endian correlation identifier followed by a request batch, or by the replies to the batch that
/// carried the same identifier, in <see cref="PeerStreamFormat"/>.
/// </summary>
/// <remarks>
/// The identifier is what lets the server answer batches in any order: a reply travels as soon as its batch is
/// answered, so a slow request never holds up the replies behind it on the same connection.
/// </remarks>
internal static class PeerStreamFrame
{
    /// <summary>The length of the correlation identifier that starts every message.</summary>
    public const int HeaderBytes = sizeof(long);

    /// <summary>The receive buffer a stream starts with; it grows to the largest message received.</summary>
    public const int InitialReceiveBufferBytes = 16 * 1024;

    /// <summary>A message carrying the request batch <paramref name="items"/> (each from <see cref="PeerStreamFormat.WriteRequest"/>) under <paramref name="id"/>.</summary>
    public static ArrayBufferWriter<byte> WriteRequests(long id, IReadOnlyList<(NodeId To, byte[] Request)> items)
    {
        var buffer = Start(id, PeerStreamFormat.RequestsSizeHint(items));
        PeerStreamFormat.WriteRequests(buffer, items);
        return buffer;
    }

    /// <summary>A message carrying the replies <paramref name="outcomes"/> to the batch sent under <paramref name="id"/>.</summary>
    public static ArrayBufferWriter<byte> WriteReplies(long id, IReadOnlyList<BatchItemOutcome> outcomes, NodeMessageSerializer serializer)
    {
        var buffer = Start(id, 256);
        PeerStreamFormat.WriteReplies(buffer, outcomes, serializer);
        return buffer;
    }

    /// <summary>Splits a message into its identifier and its batch; false when it is too short to carry one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out long id, out ReadOnlySpan<byte> batch)
    {
        if (message.Length < HeaderBytes)
        {
            id = 0;
            batch = default;
            return false;
        }

        id = BinaryPrimitives.ReadInt64LittleEndian(message);
        batch = message[HeaderBytes..];
        return true;
    }

    /// <summary>
    /// Receives one whole message into <paramref name="buffer"/>, or into a larger buffer when it does not fit, up to
    /// <paramref name="limit"/> + 1 bytes: a length over <paramref name="limit"/> means the message is larger, and the
    /// rest of it was not read. A close message comes back as such.
    /// </summary>
    public static async ValueTask<ReceivedMessage> ReceiveAsync(WebSocket socket, byte[] buffer, long limit, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    return new(WebSocketMessageType.Binary, length, buffer);
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, Math.Min(limit + 1, Array.MaxLength)));
            }

            var received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += received.Count;
            if (received.EndOfMessage || received.MessageType == WebSocketMessageType.Close)
            {
                return new(received.MessageType, length, buffer);
            }
        }
    }

    private static ArrayBufferWriter<byte> Start(long id, int sizeHint)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint + HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(HeaderBytes), id);
        buffer.Advance(HeaderBytes);
        return buffer;
    }
}

/// <summary>A message received whole: its type, and its bytes at the start of <c>Buffer</c>.</summary>
internal readonly record struct ReceivedMessage(WebSocketMessageType Type, int Length, byte[] Buffer);
