using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.Primitives;

namespace ChordKvs.Tests.Rest;

public class PreconditionHeadersTests
{
    private static readonly EntryVersion Version = new(new HybridTimestamp(1_700_000_000_000, 3), new NodeId(0xA1B2C3D4));
    private static readonly EntryVersion Other = new(new HybridTimestamp(1_700_000_000_001, 0), new NodeId(0xA1B2C3D4));

    [Test]
    public void No_headers_mean_no_condition()
    {
        var parsed = PreconditionHeaders.ParseWrite(StringValues.Empty, StringValues.Empty, allowIfNoneMatch: true);

        Assert.That(parsed, Is.EqualTo(new PreconditionHeaders.WriteParse(default, false, null)));
    }

    [Test]
    public void If_match_with_an_etag_asks_for_that_version()
    {
        var parsed = PreconditionHeaders.ParseWrite(Version.ToETag(), StringValues.Empty, allowIfNoneMatch: true);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Error, Is.Null);
            Assert.That(parsed.Conditions.IfMatch, Is.EqualTo(Version));
            Assert.That(parsed.NeverMet, Is.False);
        });
    }

    [Test]
    public void If_match_star_asks_for_an_existing_value_and_if_none_match_star_for_none()
    {
        var ifMatch = PreconditionHeaders.ParseWrite("*", StringValues.Empty, allowIfNoneMatch: true);
        var ifNoneMatch = PreconditionHeaders.ParseWrite(StringValues.Empty, " * ", allowIfNoneMatch: true);

        Assert.Multiple(() =>
        {
            Assert.That(ifMatch.Conditions, Is.EqualTo(new Core.Replication.WriteConditions(IfExists: true)));
            Assert.That(ifNoneMatch.Conditions, Is.EqualTo(new Core.Replication.WriteConditions(IfAbsent: true)));
        });
    }

    [TestCase("W/\"0001922d3ac84a0000000000a1b2c3d4\"", TestName = "a weak tag")]
    [TestCase("\"not-a-chordkvs-version\"", TestName = "another server's tag")]
    public void If_match_with_a_tag_no_version_can_have_is_never_met(string header)
    {
        var parsed = PreconditionHeaders.ParseWrite(header, StringValues.Empty, allowIfNoneMatch: true);

        Assert.That((parsed.Error, parsed.NeverMet), Is.EqualTo(((string?)null, true)), "strong comparison cannot match it: 412, not 400");
    }

    [TestCase("0001922d3ac84a0000000000a1b2c3d4", "If-Match must be")]
    [TestCase("\"unterminated", "If-Match must be")]
    [TestCase("\"0001922d3ac84a0000000000a1b2c3d4\", \"0001922d3ac84a0000000000a1b2c3d5\"", "several entity tags")]
    public void Malformed_or_multiple_if_match_is_a_bad_request(string header, string expected)
    {
        var parsed = PreconditionHeaders.ParseWrite(header, StringValues.Empty, allowIfNoneMatch: true);

        Assert.That(parsed.Error, Does.Contain(expected));
    }

    [Test]
    public void If_none_match_with_a_tag_on_a_write_or_any_on_a_delete_is_a_bad_request()
    {
        var tagOnPut = PreconditionHeaders.ParseWrite(StringValues.Empty, Version.ToETag(), allowIfNoneMatch: true);
        var onDelete = PreconditionHeaders.ParseWrite(StringValues.Empty, "*", allowIfNoneMatch: false);

        Assert.Multiple(() =>
        {
            Assert.That(tagOnPut.Error, Does.Contain("supports only *"));
            Assert.That(onDelete.Error, Does.Contain("not supported on DELETE"));
        });
    }

    [Test]
    public void Read_if_none_match_compares_weakly_against_every_listed_tag()
    {
        var parsed = PreconditionHeaders.ParseRead(new StringValues([$"\"foreign\", W/{Other.ToETag()}", Version.ToETag()]));

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Error, Is.Null);
            Assert.That(parsed.Matches(Version), Is.True, "a listed strong tag matches");
            Assert.That(parsed.Matches(Other), Is.True, "a weak tag matches its version under weak comparison");
            Assert.That(parsed.Matches(EntryVersion.Zero), Is.False, "an unlisted version does not");
        });
    }

    [Test]
    public void Read_if_none_match_star_matches_any_value_and_absence_matches_nothing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PreconditionHeaders.ParseRead("*").Matches(Version), Is.True);
            Assert.That(PreconditionHeaders.ParseRead(StringValues.Empty).Matches(Version), Is.False);
            Assert.That(PreconditionHeaders.ParseRead("*, \"x\"").Error, Does.Contain("either *"));
            Assert.That(PreconditionHeaders.ParseRead("no-quotes").Error, Does.Contain("If-None-Match must be"));
        });
    }
}
