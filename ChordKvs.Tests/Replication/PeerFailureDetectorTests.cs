using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;

namespace ChordKvs.Tests.Replication;

public class PeerFailureDetectorTests
{
    private static readonly NodeInfo Peer = NodeInfo.FromAddress("sim://peer");

    [Test]
    public void A_peer_that_failed_is_suspected_for_the_suspicion_period_and_then_no_longer()
    {
        var scheduler = new SimulationScheduler();
        var detector = new PeerFailureDetector(scheduler.TimeProvider, TimeSpan.FromSeconds(5));

        Assert.That(detector.IsSuspected(Peer), Is.False, "nobody is suspected at first");
        detector.ReportFailure(Peer);
        scheduler.RunFor(TimeSpan.FromSeconds(4.9));
        Assert.That(detector.IsSuspected(Peer), Is.True, "still within the suspicion period");
        scheduler.RunFor(TimeSpan.FromSeconds(0.2));
        Assert.That(detector.IsSuspected(Peer), Is.False, "the suspicion period has passed");
    }

    [Test]
    public void An_answer_clears_suspicion_at_once()
    {
        var scheduler = new SimulationScheduler();
        var detector = new PeerFailureDetector(scheduler.TimeProvider, TimeSpan.FromSeconds(5));

        detector.ReportFailure(Peer);
        detector.ReportSuccess(Peer);

        Assert.That(detector.IsSuspected(Peer), Is.False);
    }
}
