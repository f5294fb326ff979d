using System.Buffers.Binary;
using System.Numerics;

namespace ChordKvs.Core.Ring;

/// <summary>
/// The first 64 bits of the SHA-1 digest (FIPS 180-4) of a byte string, computed in managed code.
/// </summary>
/// <remarks>
/// Every client request hashes its key at least twice (routing, then the store's lookup), and most keys are a
/// single 64-byte block. The platform's <c>SHA1.HashData</c> goes through OpenSSL on Linux, whose per-call setup
/// (a digest context allocated and freed, the error queue cleared) cost several times the hashing itself: about 4 %
/// of a node's CPU under a GET load (docs/performance.md). The result is bit for bit the platform's, which
/// <c>Sha1PrefixTests</c> holds it to.
/// </remarks>
internal static class Sha1Prefix
{
    private const int BlockBytes = 64;

    // Room left in the last block for the message's length in bits.
    private const int LengthBytes = 8;

    /// <summary>The first 8 bytes of SHA-1 of <paramref name="message"/>, read as a big-endian integer.</summary>
    public static ulong Compute(ReadOnlySpan<byte> message)
    {
        Span<uint> state = [0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u];
        Span<uint> schedule = stackalloc uint[80];

        var whole = message.Length - (message.Length % BlockBytes);
        for (var offset = 0; offset < whole; offset += BlockBytes)
        {
            Compress(state, schedule, message.Slice(offset, BlockBytes));
        }

        // The tail, the 0x80 that ends the message, zeros, and the length in bits: one block, or two when the tail
        // leaves no room for the length.
        Span<byte> last = stackalloc byte[2 * BlockBytes];
        last.Clear();
        var tail = message[whole..];
        tail.CopyTo(last);
        last[tail.Length] = 0x80;
        var padded = tail.Length + 1 + LengthBytes <= BlockBytes ? BlockBytes : 2 * BlockBytes;
        BinaryPrimitives.WriteUInt64BigEndian(last[(padded - LengthBytes)..], (ulong)message.Length * 8);
        for (var offset = 0; offset < padded; offset += BlockBytes)
        {
            Compress(state, schedule, last.Slice(offset, BlockBytes));
        }

        return ((ulong)state[0] << 32) | state[1];
    }

    private static void Compress(Span<uint> state, Span<uint> w, ReadOnlySpan<byte> block)
    {
        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }

        for (var i = 16; i < 80; i++)
        {
            w[i] = BitOperations.RotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (var i = 0; i < 80; i++)
        {
            var (f, k) = i switch
            {
                < 20 => ((b & c) | (~b & d), 0x5A827999u),
                < 40 => (b ^ c ^ d, 0x6ED9EBA1u),
                < 60 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDCu),
                _ => (b ^ c ^ d, 0xCA62C1D6u),
            };

            var next = BitOperations.RotateLeft(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = next;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
