using System.Security.Cryptography;
using System.Text;

namespace ChordKvs.Transport.Http;

/// <summary>
/// A secret a caller must present (the cluster secret of node-to-node calls, the client API's bearer token),
/// held as a digest and compared in constant time.
/// </summary>
/// <remarks>
/// Both sides are hashed with SHA-256 before <see cref="CryptographicOperations.FixedTimeEquals"/> compares
/// them: the comparison then always covers 32 bytes, so its timing reveals neither how many leading
/// characters matched nor the secret's length.
/// </remarks>
internal sealed class SharedSecret
{
    private readonly byte[] digest;

    public SharedSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        digest = Digest(secret);
    }

    /// <summary>Whether <paramref name="presented"/> is the secret; false for null or empty.</summary>
    public bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        Span<byte> presentedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(presented, buffer);
        SHA256.HashData(buffer[..length], presentedDigest);
        return CryptographicOperations.FixedTimeEquals(presentedDigest, digest);
    }

    private static byte[] Digest(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
