namespace ChordKvs.Tests.Chaos;

public class LastWriterWinsCheckerTests
{
    private static ChaosOperation Op(int index, OperationKind kind, double invokedMs, double? completedMs, OperationOutcome outcome, string? value = null, string? read = null) =>
        new(index, kind, "k", value, TimeSpan.FromMilliseconds(invokedMs))
        {
            CompletedAt = completedMs is { } done ? TimeSpan.FromMilliseconds(done) : null,
            Outcome = outcome,
            ReadValue = read,
        };

    private static List<ViolationKind> Check(string? final, params ChaosOperation[] history) =>
        [.. LastWriterWinsChecker.Check("k", history, final).Select(violation => violation.Kind)];

    [Test]
    public void The_last_acknowledged_write_is_an_acceptable_final_value()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 10, OperationOutcome.Acknowledged, "\"a\""),
            Op(1, OperationKind.Put, 20, 30, OperationOutcome.Acknowledged, "\"b\""),
        };

        Assert.That(Check("\"b\"", history), Is.Empty);
        Assert.That(Check("\"a\"", history), Is.EqualTo(new[] { ViolationKind.LostWrite }), "b followed a and vanished");
        Assert.That(Check(null, history), Is.EqualTo(new[] { ViolationKind.LostWrite }), "absence is explained by nothing after b");
    }

    [Test]
    public void Either_of_two_overlapping_writes_may_win()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 30, OperationOutcome.Acknowledged, "\"a\""),
            Op(1, OperationKind.Put, 10, 40, OperationOutcome.Acknowledged, "\"b\""),
        };

        Assert.That(Check("\"a\"", history), Is.Empty);
        Assert.That(Check("\"b\"", history), Is.Empty);
    }

    [Test]
    public void A_write_of_unknown_outcome_may_win_even_over_later_acknowledged_writes()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 10, OperationOutcome.Unknown, "\"late\""),
            Op(1, OperationKind.Put, 20, 30, OperationOutcome.Acknowledged, "\"b\""),
        };

        Assert.That(Check("\"late\"", history), Is.Empty, "a request that timed out can still be applied after later ones");
    }

    [Test]
    public void An_old_value_after_an_acknowledged_delete_is_a_resurrection()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 10, OperationOutcome.Acknowledged, "\"a\""),
            Op(1, OperationKind.Delete, 20, 30, OperationOutcome.Acknowledged),
        };

        Assert.That(Check(null, history), Is.Empty);
        Assert.That(Check("\"a\"", history), Is.EqualTo(new[] { ViolationKind.ResurrectedDelete }));
    }

    [Test]
    public void A_delete_answered_not_found_may_explain_absence()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 10, OperationOutcome.Acknowledged, "\"a\""),
            Op(1, OperationKind.Delete, 20, 30, OperationOutcome.Unknown),
        };

        Assert.That(Check(null, history), Is.Empty, "a retried delete answers 404 after its first attempt deleted");
    }

    [Test]
    public void Values_nobody_wrote_are_invented_in_reads_and_in_the_final_state()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 10, OperationOutcome.Acknowledged, "\"a\""),
            Op(1, OperationKind.Get, 20, 30, OperationOutcome.Acknowledged, read: "\"x\""),
        };

        Assert.That(Check("\"a\"", history), Is.EqualTo(new[] { ViolationKind.InventedValue }));
        Assert.That(Check("\"y\"", history), Is.EqualTo(new[] { ViolationKind.InventedValue, ViolationKind.InventedValue }));
    }

    [Test]
    public void Writes_within_the_clock_resolution_of_each_other_are_not_ordered()
    {
        var history = new[]
        {
            Op(0, OperationKind.Put, 0, 10, OperationOutcome.Acknowledged, "\"a\""),
            Op(1, OperationKind.Put, 10.5, 20, OperationOutcome.Acknowledged, "\"b\""),
        };

        Assert.That(Check("\"a\"", history), Is.Empty, "b began within 1 ms of a's acknowledgement");
    }
}
