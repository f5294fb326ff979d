using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ChordKvs.Core.Ring;

namespace ChordKvs.Tests.Ring;

/// <summary>The managed SHA-1 behind every key's and node's identifier gives the platform's digest, bit for bit.</summary>
public class Sha1PrefixTests
{
    [TestCase("", 0xda39a3ee5e6b4b0dUL)]
    [TestCase("abc", 0xa9993e364706816aUL)]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0x84983e441c3bd26eUL)]
    public void Matches_the_published_test_vectors(string message, ulong expected) =>
        Assert.That(Sha1Prefix.Compute(Encoding.ASCII.GetBytes(message)), Is.EqualTo(expected));

    [Test]
    public void Matches_the_platform_digest_for_every_length_across_the_block_and_padding_boundaries()
    {
        // Lengths 0–300 cover an empty message, tails that leave room for the length and tails that do not (55, 56, 63,
        // 64, 119, 120, ...), and several whole blocks; the bytes are random but fixed by the seed.
        var random = new Random(20261207);
        for (var length = 0; length <= 300; length++)
        {
            var message = new byte[length];
            random.NextBytes(message);
            Assert.That(Sha1Prefix.Compute(message), Is.EqualTo(PlatformPrefix(message)), $"length {length}");
        }
    }

    [Test]
    public void A_key_longer_than_the_stack_buffer_gets_the_same_identifier_as_its_bytes()
    {
        var key = new string('ö', 3000); // 6,000 UTF-8 bytes
        Assert.That(NodeId.ForKey(key).Value, Is.EqualTo(PlatformPrefix(Encoding.UTF8.GetBytes(key))));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "The reference the ring's identifiers must match; it protects nothing.")]
    private static ulong PlatformPrefix(byte[] message) => BinaryPrimitives.ReadUInt64BigEndian(SHA1.HashData(message));
}
