using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ChordKvs.Core.Ring;

namespace ChordKvs.Tests.Ring;

/// <summary>A key's identifier is the first 64 bits of SHA-1 over its UTF-8 bytes, however long the key.</summary>
public class NodeIdForKeyTests
{
    [TestCase("", 0xda39a3ee5e6b4b0dUL)]
    [TestCase("abc", 0xa9993e364706816aUL)]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0x84983e441c3bd26eUL)]
    public void Matches_the_published_sha1_test_vectors(string key, ulong expected) =>
        Assert.That(NodeId.ForKey(key).Value, Is.EqualTo(expected));

    [Test]
    public void Agrees_with_the_platform_sha1_on_every_length_across_three_blocks_and_on_long_inputs()
    {
        // The identifier is computed in managed code (Sha1Prefix); the padding differs on either side of 55, 56 and 64
        // bytes in each block, so every length up to three blocks is checked, with random bytes from a fixed seed.
        var random = new Random(7);
        var lengths = Enumerable.Range(0, 3 * 64 + 1).Concat([1000, 1024, 4099, 65_536 + 55]);
        Assert.Multiple(() =>
        {
            foreach (var length in lengths)
            {
                var bytes = new byte[length];
                random.NextBytes(bytes);
                Assert.That(NodeId.FromUtf8(bytes).Value, Is.EqualTo(BinaryPrimitives.ReadUInt64BigEndian(Sha1(bytes))), $"{length} bytes");
            }
        });
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "The reference the ring's SHA-1 is checked against.")]
    private static byte[] Sha1(byte[] bytes) => SHA1.HashData(bytes);

    [TestCase(1)]
    [TestCase(512)]
    [TestCase(513)]
    [TestCase(3000)]
    public void A_key_on_either_side_of_the_stack_buffer_gets_the_identifier_of_its_bytes(int characters)
    {
        var key = new string('ö', characters); // two UTF-8 bytes each: 512 fill the 1 KiB stack buffer exactly
        Assert.That(NodeId.ForKey(key), Is.EqualTo(NodeId.FromUtf8(Encoding.UTF8.GetBytes(key))));
    }

    [Test]
    public void Hashing_the_same_key_again_or_another_key_in_between_gives_each_key_its_own_identifier()
    {
        // ForKey remembers the last key string it hashed on a thread; that must never answer for another key.
        var abc = new string("abc".AsSpan());
        var copyOfAbc = new string("abc".AsSpan());
        Assert.Multiple(() =>
        {
            Assert.That(NodeId.ForKey(abc).Value, Is.EqualTo(0xa9993e364706816aUL));
            Assert.That(NodeId.ForKey(abc).Value, Is.EqualTo(0xa9993e364706816aUL), "the same string again");
            Assert.That(NodeId.ForKey(string.Empty).Value, Is.EqualTo(0xda39a3ee5e6b4b0dUL), "another key right after");
            Assert.That(NodeId.ForKey(copyOfAbc).Value, Is.EqualTo(0xa9993e364706816aUL), "an equal string that is another object");
            Assert.That(NodeId.ForKey(abc).Value, Is.EqualTo(0xa9993e364706816aUL), "the first string once more");
        });
    }
}
