using System.Text.Json;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class EntryVersionTests
{
    private static EntryVersion Version(long milliseconds, int logical, ulong writer) =>
        new(new HybridTimestamp(milliseconds, logical), new NodeId(writer));

    [Test]
    public void Later_timestamp_wins_whatever_the_writer()
    {
        var older = Version(1000, 5, writer: ulong.MaxValue);
        var newer = Version(1000, 6, writer: 1);

        Assert.Multiple(() =>
        {
            Assert.That(newer > older, Is.True, "a later timestamp wins even against a larger writer id");
            Assert.That(older < newer, Is.True, "and the older one loses");
            Assert.That(newer.CompareTo(older), Is.Positive, "CompareTo agrees with the operators");
        });
    }

    [Test]
    public void Equal_timestamps_are_ordered_by_writer()
    {
        var fromSmallerWriter = Version(1000, 5, writer: 7);
        var fromLargerWriter = Version(1000, 5, writer: 8);

        Assert.Multiple(() =>
        {
            Assert.That(fromLargerWriter > fromSmallerWriter, Is.True, "the larger writer id breaks the tie");
            Assert.That(fromSmallerWriter <= fromLargerWriter, Is.True, "<= agrees");
            Assert.That(fromSmallerWriter.CompareTo(Version(1000, 5, writer: 7)), Is.Zero, "only the same timestamp and writer compare equal");
        });
    }

    [Test]
    public void Sorting_many_versions_gives_a_total_order()
    {
        var random = new Random(1234);
        var versions = Enumerable.Range(0, 500)
            .Select(_ => Version(random.Next(3), random.Next(3), (ulong)random.Next(3)))
            .ToList();

        var sorted = versions.Order().ToList();

        for (var i = 1; i < sorted.Count; i++)
        {
            var (previous, current) = (sorted[i - 1], sorted[i]);
            var expected = (previous.Timestamp.Packed, previous.Writer.Value).CompareTo((current.Timestamp.Packed, current.Writer.Value)) <= 0;
            Assert.That(expected, Is.True, $"{previous} sorted before {current}, but timestamp-then-writer order says otherwise");
        }
    }

    [Test]
    public void Token_is_32_lower_case_hex_digits_of_timestamp_then_writer()
    {
        var version = Version(0x0123_4567_89AB, 0xCDEF, writer: 0xFEDC_BA98_7654_3210);

        Assert.Multiple(() =>
        {
            Assert.That(version.ToToken(), Is.EqualTo("0123456789abcdeffedcba9876543210"), "token");
            Assert.That(version.ToETag(), Is.EqualTo("\"0123456789abcdeffedcba9876543210\""), "ETag is the quoted token");
        });
    }

    [Test]
    public void ETag_round_trips()
    {
        var version = Version(1_700_000_000_123, 9, writer: 0xDEAD_BEEF);

        var parsed = EntryVersion.TryParseETag(version.ToETag(), out var back);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True, $"{version.ToETag()} parses");
            Assert.That(back, Is.EqualTo(version), "to the same version");
        });
    }

    [Test]
    public void Token_order_matches_version_order()
    {
        var a = Version(1000, 0, writer: 0xFF);
        var b = Version(1000, 1, writer: 0x01);

        Assert.That(string.CompareOrdinal(a.ToToken(), b.ToToken()), Is.Negative, "the older version's token sorts first");
    }

    [TestCase("  \"0123456789abcdeffedcba9876543210\"  ", TestName = "ETag_with_surrounding_whitespace_parses")]
    [TestCase("\"0123456789ABCDEFFEDCBA9876543210\"", TestName = "ETag_in_upper_case_parses")]
    public void Acceptable_etag_forms_parse(string etag)
    {
        Assert.Multiple(() =>
        {
            Assert.That(EntryVersion.TryParseETag(etag, out var version), Is.True, $"{etag} should parse");
            Assert.That(version, Is.EqualTo(Version(0x0123_4567_89AB, 0xCDEF, writer: 0xFEDC_BA98_7654_3210)), "to the version it names");
        });
    }

    [TestCase("0123456789abcdeffedcba9876543210", TestName = "ETag_without_quotes_is_rejected")]
    [TestCase("\"0123456789abcdeffedcba987654321\"", TestName = "ETag_one_digit_short_is_rejected")]
    [TestCase("\"0123456789abcdeffedcba98765432100\"", TestName = "ETag_one_digit_long_is_rejected")]
    [TestCase("\"0123456789abcdeffedcba987654321g\"", TestName = "ETag_with_a_non_hex_digit_is_rejected")]
    [TestCase("\"0x23456789abcdeffedcba9876543210\"", TestName = "ETag_with_a_hex_prefix_is_rejected")]
    [TestCase("\"0123456789abcdef fedcba987654321\"", TestName = "ETag_with_inner_space_is_rejected")]
    [TestCase("\"0123456789abcdeffedcba9876543210", TestName = "ETag_missing_its_closing_quote_is_rejected")]
    [TestCase("", TestName = "Empty_ETag_is_rejected")]
    [TestCase("*", TestName = "Wildcard_is_not_a_version")]
    [TestCase("W/\"0123456789abcdeffedcba9876543210\"", TestName = "Weak_ETag_is_rejected_for_strong_comparison")]
    public void Malformed_etags_are_rejected(string etag)
    {
        Assert.That(EntryVersion.TryParseETag(etag, out _), Is.False, $"{etag} should not parse as a strong ETag");
    }

    [Test]
    public void Weak_ETag_parses_when_weak_comparison_is_asked_for()
    {
        var version = Version(1000, 2, writer: 3);

        var parsed = EntryVersion.TryParseETag("W/" + version.ToETag(), allowWeak: true, out var back);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True, "W/\"…\" parses for weak comparison");
            Assert.That(back, Is.EqualTo(version), "to the version it names");
        });
    }

    [Test]
    public void Json_round_trip_keeps_timestamp_and_writer()
    {
        var version = Version(1_700_000_000_123, 4, writer: 0xABCDEF);

        var json = JsonSerializer.Serialize(version);

        Assert.Multiple(() =>
        {
            Assert.That(json, Is.EqualTo("{\"Timestamp\":{\"PhysicalMilliseconds\":1700000000123,\"Logical\":4},\"Writer\":\"0000000000abcdef\"}"), "the JSON form");
            Assert.That(JsonSerializer.Deserialize<EntryVersion>(json), Is.EqualTo(version), "the round trip");
        });
    }
}
