namespace ChordKvs.Tests.EndToEnd;

/// <summary>The churn test's judge of final states and reads, on hand-made histories.</summary>
public sealed class WriteHistoryTests
{
    private const string Key = "k";
    private const string Node = "http://node";

    [Test]
    public void The_last_acknowledged_put_is_a_correct_final_state_and_an_earlier_one_is_a_lost_write()
    {
        var history = new WriteHistory([Put("1", 0, 10, 204), Put("2", 20, 30, 204)]);

        Assert.Multiple(() =>
        {
            Assert.That(history.CheckFinal(Key, Node, "2"), Is.Null, "the last acknowledged value");
            Assert.That(history.CheckFinal(Key, Node, "1")?.Kind, Is.EqualTo(HistoryAnomalyKind.LostWrite), "the put sent after it completed was lost");
            Assert.That(history.CheckFinal(Key, Node, null)?.Kind, Is.EqualTo(HistoryAnomalyKind.LostWrite), "no delete was sent, so an absent key lost its value");
        });
    }

    [Test]
    public void Concurrent_and_unacknowledged_writes_may_each_be_the_last()
    {
        var history = new WriteHistory([Put("1", 0, 30, 204), Put("2", 10, 20, 204), Put("3", 15, 16, 503), Delete(40, 50, 0)]);

        Assert.Multiple(() =>
        {
            Assert.That(history.CheckFinal(Key, Node, "1"), Is.Null, "overlaps the other acknowledged put");
            Assert.That(history.CheckFinal(Key, Node, "2"), Is.Null, "overlaps the other acknowledged put");
            Assert.That(history.CheckFinal(Key, Node, "3"), Is.Null, "a put answered 503 may take effect late");
            Assert.That(history.CheckFinal(Key, Node, null), Is.Null, "a delete without an answer may have taken effect");
        });
    }

    [Test]
    public void A_value_back_after_an_acknowledged_delete_is_a_resurrected_delete()
    {
        var history = new WriteHistory([Put("1", 0, 10, 201), Delete(20, 30, 204), Delete(40, 50, 404)]);

        Assert.Multiple(() =>
        {
            Assert.That(history.CheckFinal(Key, Node, null), Is.Null, "deleted");
            Assert.That(history.CheckFinal(Key, Node, "1")?.Kind, Is.EqualTo(HistoryAnomalyKind.ResurrectedDelete));
            Assert.That(history.AcknowledgedWrites, Is.EqualTo(2), "a delete answered 404 changed nothing and acknowledged nothing");
        });
    }

    [Test]
    public void A_delete_answered_404_may_explain_a_missing_value_and_is_reported_as_such()
    {
        var history = new WriteHistory([Put("1", 0, 10, 201), Delete(20, 30, 404)]);

        Assert.Multiple(() =>
        {
            Assert.That(history.CheckFinal(Key, Node, "1"), Is.Null, "the 404 may also have changed nothing");
            Assert.That(history.CheckFinal(Key, Node, null)?.Kind, Is.EqualTo(HistoryAnomalyKind.DeleteAnswered404TookEffect), "attempted later, so no lost write, but its answer was wrong");
        });
    }

    [Test]
    public void A_read_of_a_value_never_sent_to_the_key_or_sent_only_later_is_invented()
    {
        var history = new WriteHistory([Put("1", 10, 20, 201)]);

        Assert.Multiple(() =>
        {
            Assert.That(history.CheckRead(Read("1", 15, 25)), Is.Null, "read while the put was in flight");
            Assert.That(history.CheckRead(Read("1", 0, 5))?.Kind, Is.EqualTo(HistoryAnomalyKind.InventedValue), "read before the put was sent");
            Assert.That(history.CheckRead(Read("9", 30, 40))?.Kind, Is.EqualTo(HistoryAnomalyKind.InventedValue), "never written");
            Assert.That(history.CheckFinal(Key, Node, "9")?.Kind, Is.EqualTo(HistoryAnomalyKind.InventedValue), "never written");
        });
    }

    private static ClientOperation Put(string value, long invoked, long completed, int status) =>
        new(1, OperationKind.Put, Key, Node, value, invoked, completed, status, null);

    private static ClientOperation Delete(long invoked, long completed, int status) =>
        new(1, OperationKind.Delete, Key, Node, null, invoked, completed, status, null);

    private static ClientOperation Read(string value, long invoked, long completed) =>
        new(2, OperationKind.Get, Key, Node, value, invoked, completed, 200, null);
}
