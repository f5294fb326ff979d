using System.Collections.Concurrent;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class HybridLogicalClockTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private static readonly NodeId Node = new(0xABCD);

    private ManualTimeProvider _time = null!;

    [SetUp]
    public void CreateClock() => _time = new ManualTimeProvider(Start);

    [Test]
    public void Reading_follows_physical_time_with_counter_zero()
    {
        var clock = new HybridLogicalClock(_time, Node);

        var first = clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var second = clock.Now();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new HybridTimestamp(Start.ToUnixTimeMilliseconds(), 0)), "first reading is physical time");
            Assert.That(second, Is.EqualTo(new HybridTimestamp(Start.ToUnixTimeMilliseconds() + 5, 0)), "the counter resets when physical time moves on");
        });
    }

    [Test]
    public void Readings_within_one_millisecond_increase_through_the_counter()
    {
        var clock = new HybridLogicalClock(_time, Node);

        var readings = Enumerable.Range(0, 1000).Select(_ => clock.Now()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(readings, Is.Ordered.Ascending, "readings never decrease");
            Assert.That(readings, Is.Unique, "no reading repeats");
            Assert.That(readings[^1], Is.EqualTo(new HybridTimestamp(Start.ToUnixTimeMilliseconds(), 999)), "the counter counted every reading");
        });
    }

    [Test]
    public void Clock_going_backwards_does_not_make_readings_go_backwards()
    {
        var clock = new HybridLogicalClock(_time, Node);
        var beforeJump = clock.Now();

        _time.Advance(TimeSpan.FromSeconds(-30));
        var afterJump = clock.Now();
        var next = clock.Now();

        Assert.Multiple(() =>
        {
            Assert.That(afterJump, Is.GreaterThan(beforeJump), "the reading after the physical clock stepped back is still greater");
            Assert.That(afterJump.PhysicalMilliseconds, Is.EqualTo(beforeJump.PhysicalMilliseconds), "the physical part holds at the largest time seen");
            Assert.That(next, Is.GreaterThan(afterJump), "and keeps increasing through the counter");
        });
    }

    [Test]
    public void Clock_catches_up_once_physical_time_passes_the_held_reading()
    {
        var clock = new HybridLogicalClock(_time, Node);
        clock.Now();
        _time.Advance(TimeSpan.FromSeconds(-1));
        clock.Now();

        _time.Set(Start.AddMilliseconds(1));

        Assert.That(clock.Now(), Is.EqualTo(new HybridTimestamp(Start.ToUnixTimeMilliseconds() + 1, 0)),
            "once physical time is ahead again, readings are physical time with counter 0");
    }

    [Test]
    public void Observing_a_far_ahead_remote_makes_later_readings_greater_than_it()
    {
        var clock = new HybridLogicalClock(_time, Node);
        var remote = new HybridTimestamp(Start.ToUnixTimeMilliseconds() + 3_600_000, 17);

        var merged = clock.Observe(remote);
        var first = clock.Now();
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = clock.Now();

        Assert.Multiple(() =>
        {
            Assert.That(merged, Is.True, "without a drift bound every remote timestamp is merged");
            Assert.That(first, Is.EqualTo(new HybridTimestamp(remote.PhysicalMilliseconds, 18)), "the next reading is just after the remote one");
            Assert.That(second, Is.EqualTo(new HybridTimestamp(remote.PhysicalMilliseconds, 19)), "while physical time lags, the counter carries the clock");
        });

        _time.Set(remote.PhysicalTime.AddMilliseconds(1));
        Assert.That(clock.Now(), Is.EqualTo(new HybridTimestamp(remote.PhysicalMilliseconds + 1, 0)),
            "when physical time passes the remote reading, the counter resets");
    }

    [Test]
    public void Observing_an_older_remote_changes_nothing()
    {
        var clock = new HybridLogicalClock(_time, Node);
        var mine = clock.Now();

        var merged = clock.Observe(new HybridTimestamp(Start.ToUnixTimeMilliseconds() - 10, 5));

        Assert.Multiple(() =>
        {
            Assert.That(merged, Is.True, "an older remote is within any bound");
            Assert.That(clock.Last, Is.EqualTo(mine), "the clock keeps its own, newer reading");
            Assert.That(clock.Now(), Is.EqualTo(new HybridTimestamp(mine.PhysicalMilliseconds, mine.Logical + 1)), "the next reading follows this clock's own");
        });
    }

    [Test]
    public void Drift_bound_ignores_remotes_too_far_ahead_and_accepts_those_within_it()
    {
        var clock = new HybridLogicalClock(_time, Node, maxForwardDrift: TimeSpan.FromSeconds(10));
        var tooFar = new HybridTimestamp(Start.ToUnixTimeMilliseconds() + 10_001, 0);
        var withinBound = new HybridTimestamp(Start.ToUnixTimeMilliseconds() + 10_000, 0);

        var tooFarMerged = clock.Observe(tooFar);
        var afterTooFar = clock.Now();
        var withinMerged = clock.Observe(withinBound);
        var afterWithin = clock.Now();

        Assert.Multiple(() =>
        {
            Assert.That(tooFarMerged, Is.False, "a remote 10.001 s ahead is beyond the 10 s bound");
            Assert.That(afterTooFar, Is.EqualTo(new HybridTimestamp(Start.ToUnixTimeMilliseconds(), 0)), "an ignored remote does not move the clock");
            Assert.That(withinMerged, Is.True, "a remote exactly 10 s ahead is within the bound");
            Assert.That(afterWithin, Is.GreaterThan(withinBound), "a merged remote moves the clock past it");
        });
    }

    [Test]
    public void Counter_overflow_moves_the_clock_one_millisecond_ahead()
    {
        var clock = new HybridLogicalClock(_time, Node);
        clock.Observe(new HybridTimestamp(Start.ToUnixTimeMilliseconds(), HybridTimestamp.MaxLogical));

        Assert.That(clock.Now(), Is.EqualTo(new HybridTimestamp(Start.ToUnixTimeMilliseconds() + 1, 0)),
            "after the largest counter the next reading is the next millisecond, still strictly greater");
    }

    [Test]
    public void Exhausted_clock_refuses_to_issue_a_repeated_reading()
    {
        var clock = new HybridLogicalClock(_time, Node);
        clock.Observe(HybridTimestamp.MaxValue);

        Assert.That(() => clock.Now(), Throws.InvalidOperationException, "no timestamp is greater than the largest one");
    }

    [Test]
    public void Next_version_names_this_node_as_writer()
    {
        var clock = new HybridLogicalClock(_time, Node);

        var version = clock.NextVersion();

        Assert.That(version, Is.EqualTo(new EntryVersion(new HybridTimestamp(Start.ToUnixTimeMilliseconds(), 0), Node)));
    }

    [Test]
    public void Concurrent_readings_are_all_distinct()
    {
        var clock = new HybridLogicalClock(_time, Node);
        var readings = new ConcurrentBag<HybridTimestamp>();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 5000; i++)
            {
                readings.Add(clock.Now());
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(readings, Has.Count.EqualTo(40_000), "every reading was collected");
            Assert.That(readings.Distinct().Count(), Is.EqualTo(40_000), "threads racing for the clock never receive the same reading");
        });
    }
}
