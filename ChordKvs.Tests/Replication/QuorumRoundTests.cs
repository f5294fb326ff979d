using ChordKvs.Core.Replication;

namespace ChordKvs.Tests.Replication;

/// <summary>A quorum call settles when enough attempts succeeded or all have finished, and not before.</summary>
public class QuorumRoundTests
{
    [Test]
    public void It_settles_once_enough_attempts_have_succeeded_while_others_still_run()
    {
        var round = new QuorumRound(needed: 2);
        round.Started();
        round.Started();
        round.Started();
        var settled = round.WhenSettledOrWokenAsync();

        round.Finished(succeeded: true);
        Assert.That(settled.IsCompleted, Is.False, "one success of two needed");
        round.Finished(succeeded: true);

        Assert.Multiple(() =>
        {
            Assert.That(settled.IsCompleted, Is.True, "two successes settle it");
            Assert.That(round.Succeeded, Is.EqualTo(2));
            Assert.That(round.WhenAllFinishedAsync().IsCompleted, Is.False, "the third attempt is still running");
        });
    }

    [Test]
    public void It_settles_when_every_attempt_has_finished_without_enough_successes()
    {
        var round = new QuorumRound(needed: 2);
        round.Started();
        round.Started();
        var settled = round.WhenSettledOrWokenAsync();
        var allFinished = round.WhenAllFinishedAsync();

        round.Finished(succeeded: false);
        Assert.That(settled.IsCompleted, Is.False, "one attempt is still running");
        round.Finished(succeeded: true);

        Assert.Multiple(() =>
        {
            Assert.That(settled.IsCompleted, Is.True, "nothing is left to wait for");
            Assert.That(allFinished.IsCompleted, Is.True);
            Assert.That(round.Succeeded, Is.EqualTo(1));
        });
    }

    [Test]
    public void Wake_ends_the_wait_without_settling_and_a_later_wait_waits_again()
    {
        var round = new QuorumRound(needed: 1);
        round.Started();
        var first = round.WhenSettledOrWokenAsync();

        round.Wake();
        var second = round.WhenSettledOrWokenAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.IsCompleted, Is.True, "the hedging timer woke the caller");
            Assert.That(second.IsCompleted, Is.False, "the call has not settled");
        });
        round.Finished(succeeded: true);
        Assert.That(second.IsCompleted, Is.True);
    }
}
