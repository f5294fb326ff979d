using System.Buffers.Binary;
using System.Numerics;

namespace ChordKvs.Core.Ring;

/// <summary>
/// The first 64 bits of the SHA-1 digest of a byte string (FIPS 180-4), computed in managed code: the identifier of
/// every key and node (<see cref="NodeId.FromUtf8"/>).
/// </summary>
/// <remarks>
/// The platform's SHA-1 (<c>SHA1.HashData</c>) calls into OpenSSL on Linux, and for the short keys of a key-value
/// store the call costs more than the hashing: a context allocated and freed and the error queue cleared on every
/// call. In a 3-node cluster under load, OpenSSL took about 5 % of the nodes' CPU, about 1.3 µs a hash
/// (docs/performance.md, change 11); this takes about a quarter of a microsecond for a key of one block. The tests
/// compare it with <c>SHA1.HashData</c> on inputs of every length around the block boundaries.
/// </remarks>
internal static class Sha1Prefix
{
    private const int BlockBytes = 64;

    // The last block holds the 0x80 marker and the 8-byte message length; a message whose tail leaves less room than
    // that takes one block more.
    private const int LengthFieldBytes = 8;

    /// <summary>The first 8 bytes of SHA-1 of <paramref name="message"/>, read big-endian.</summary>
    public static ulong Of(ReadOnlySpan<byte> message)
    {
        Span<uint> state = [0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u];
        Span<uint> schedule = stackalloc uint[16];
        var fullBlocks = message.Length / BlockBytes;
        for (var block = 0; block < fullBlocks; block++)
        {
            Compress(state, schedule, message.Slice(block * BlockBytes, BlockBytes));
        }

        Span<byte> tail = stackalloc byte[2 * BlockBytes];
        tail.Clear();
        var rest = message[(fullBlocks * BlockBytes)..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailBytes = rest.Length + 1 + LengthFieldBytes <= BlockBytes ? BlockBytes : 2 * BlockBytes;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailBytes - LengthFieldBytes)..], (ulong)message.Length * 8);
        Compress(state, schedule, tail[..BlockBytes]);
        if (tailBytes > BlockBytes)
        {
            Compress(state, schedule, tail[BlockBytes..]);
        }

        return ((ulong)state[0] << 32) | state[1];
    }

    /// <summary>The compression function over one 64-byte block; the 80-word schedule is kept as 16 words in a ring.</summary>
    private static void Compress(Span<uint> state, Span<uint> w, ReadOnlySpan<byte> block)
    {
        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (var t = 0; t < 80; t++)
        {
            if (t >= 16)
            {
                w[t & 15] = BitOperations.RotateLeft(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
            }

            var (f, k) = t switch
            {
                < 20 => ((b & c) | (~b & d), 0x5A827999u),
                < 40 => (b ^ c ^ d, 0x6ED9EBA1u),
                < 60 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDCu),
                _ => (b ^ c ^ d, 0xCA62C1D6u),
            };
            var temp = unchecked(BitOperations.RotateLeft(a, 5) + f + e + k + w[t & 15]);
            (e, d, c, b, a) = (d, c, BitOperations.RotateLeft(b, 30), a, temp);
        }

        unchecked
        {
            state[0] += a;
            state[1] += b;
            state[2] += c;
            state[3] += d;
            state[4] += e;
        }
    }
}
