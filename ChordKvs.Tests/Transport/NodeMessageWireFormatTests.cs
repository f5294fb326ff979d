using System.Collections.Immutable;
using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Transport;

/// <summary>Store messages keep tombstones and empty values apart on the HTTP wire.</summary>
public class NodeMessageWireFormatTests
{
    private static readonly EntryVersion Version = new(new HybridTimestamp(1_700_000_000_000, 1), new NodeId(5));

    private static async Task<NodeRequest> RoundTripAsync(NodeRequest request)
    {
        var bytes = NodeMessageSerializer.Default.SerializeRequest(request);
        using var stream = new MemoryStream(bytes);
        return await NodeMessageSerializer.Default.ReadRequestAsync(stream, CancellationToken.None)
            ?? throw new AssertionException("the request read back as null");
    }

    [Test]
    public async Task A_tombstone_travels_as_a_tombstone()
    {
        var tombstone = StoredEntry.Tombstone("deleted", Version, DateTimeOffset.UnixEpoch.AddDays(20_000));
        var request = new ReplicaWriteRequest(tombstone);

        var json = Encoding.UTF8.GetString(NodeMessageSerializer.Default.SerializeRequest(request));
        var back = (ReplicaWriteRequest)await RoundTripAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"value\":null"), "a missing value is written as null, not as an empty string");
            Assert.That(back.Entry, Is.EqualTo(tombstone), "the replica receives the tombstone that was sent");
            Assert.That(back.Entry.IsTombstone, Is.True);
        });
    }

    [Test]
    public async Task Live_values_and_tombstones_in_one_batch_keep_their_kinds()
    {
        var entries = ImmutableArray.Create(
            StoredEntry.Live("a", Encoding.UTF8.GetBytes("{\"x\":1}"), Version),
            StoredEntry.Tombstone("b", Version, DateTimeOffset.UnixEpoch.AddDays(20_000)),
            StoredEntry.Live("c", Encoding.UTF8.GetBytes("[]"), Version));

        var back = (RangePushRequest)await RoundTripAsync(new RangePushRequest(entries));

        Assert.That(back.Entries, Is.EqualTo(entries), "every entry arrives as it was sent");
    }
}
