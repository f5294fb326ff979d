using System.Buffers;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Transport;

/// <summary>The peer stream's binary batches carry every message with its fields intact, and refuse what is not a batch.</summary>
public class PeerStreamFormatTests
{
    private static readonly NodeId To = new(0xfedc_ba98_7654_3210UL);

    [TestCaseSource(typeof(MessageSamples), nameof(MessageSamples.Cases))]
    public void Every_request_and_reply_round_trips_in_a_batch(MessageSamples.Sample sample)
    {
        var serializer = NodeMessageSerializer.Default;
        var requests = new ArrayBufferWriter<byte>();
        PeerStreamFormat.WriteRequests(requests, [(To, PeerStreamFormat.WriteRequest(sample.Request, serializer)), (NodeId.Zero, PeerStreamFormat.WriteRequest(new PingRequest(), serializer))]);
        var replies = new ArrayBufferWriter<byte>();
        PeerStreamFormat.WriteReplies(replies, [new BatchItemOutcome(sample.Reply, 200, null), new BatchItemOutcome(null, 404, "no node ✓ here")], serializer);

        var readRequests = PeerStreamFormat.ReadRequests(requests.WrittenSpan, serializer);
        var readReplies = PeerStreamFormat.ReadReplies(replies.WrittenSpan, serializer);

        Assert.Multiple(() =>
        {
            Assert.That(readRequests, Has.Count.EqualTo(2));
            Assert.That(readRequests[0].To, Is.EqualTo(To));
            Assert.That(MessageText.Render(readRequests[0].Request!), Is.EqualTo(MessageText.Render(sample.Request)), "the request arrives as sent");
            Assert.That(readRequests[1].Request, Is.EqualTo(new PingRequest()), "and the one after it");
            Assert.That(readReplies, Has.Count.EqualTo(2));
            Assert.That(MessageText.Render(readReplies[0].Reply!), Is.EqualTo(MessageText.Render(sample.Reply)), "the reply arrives as sent");
            Assert.That(readReplies[1], Is.EqualTo(new BatchItemReply(null, 404, "no node ✓ here")), "an error keeps its status and detail");
        });
    }

    [Test]
    public void A_replica_read_is_not_json()
    {
        var read = PeerStreamFormat.WriteRequest(new ReplicaReadRequest("k"), NodeMessageSerializer.Default);

        Assert.That(read, Is.EqualTo(new byte[] { 1, 1, 0, 0, 0, (byte)'k' }), "kind 1, the key's length and its UTF-8 bytes");
    }

    [TestCase(new byte[] { 1, 2, 3 }, TestName = "A_request_batch_cut_inside_the_node_identifier_is_refused")]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 9 }, TestName = "A_request_of_an_unknown_kind_is_refused")]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 5, 0, 0, 0, (byte)'k' }, TestName = "A_key_shorter_than_its_length_is_refused")]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 255, 255, 255, 255 }, TestName = "A_negative_length_is_refused")]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0xff }, TestName = "A_key_that_is_not_utf8_is_refused")]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, (byte)'n', (byte)'u', (byte)'l', (byte)'l' }, TestName = "A_json_request_that_is_null_is_refused")]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, (byte)'k', 255, 255, 255, 255, 8, 0, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0 }, TestName = "A_forwarded_write_with_an_unknown_condition_flag_is_refused")]
    public void A_malformed_request_batch_is_refused(byte[] batch)
    {
        Assert.Throws<InvalidDataException>(() => PeerStreamFormat.ReadRequests(batch, NodeMessageSerializer.Default));
    }

    [Test]
    public void A_replica_write_of_a_live_value_with_a_purge_time_is_refused()
    {
        // Kind 2, key "k", a one-byte value "1", version 1 by node 1, a purge time (only tombstones have one), no expiry.
        byte[] batch = [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, (byte)'k', 1, 0, 0, 0, (byte)'1', 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        var failure = Assert.Throws<InvalidDataException>(() => PeerStreamFormat.ReadRequests(batch, NodeMessageSerializer.Default));

        Assert.That(failure!.Message, Does.Contain("Not a valid entry"));
    }

    [TestCase(new byte[] { 1, 2 }, TestName = "A_replica_read_reply_with_a_flag_other_than_0_or_1_is_refused")]
    [TestCase(new byte[] { 7 }, TestName = "A_reply_of_an_unknown_kind_is_refused")]
    [TestCase(new byte[] { 255, 148 }, TestName = "An_error_reply_cut_inside_its_status_is_refused")]
    [TestCase(new byte[] { 3, 99, 0, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255 }, TestName = "A_client_result_of_an_unknown_outcome_is_refused")]
    public void A_malformed_reply_batch_is_refused(byte[] batch)
    {
        Assert.Throws<InvalidDataException>(() => PeerStreamFormat.ReadReplies(batch, NodeMessageSerializer.Default));
    }
}
