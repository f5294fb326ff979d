using System.Text;
using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class JsonValueValidatorTests
{
    private readonly JsonValueValidator _validator = new(new StoreLimits());

    private InputValidationResult Validate(string json) => _validator.Validate(Encoding.UTF8.GetBytes(json));

    [TestCase("null")]
    [TestCase("true")]
    [TestCase("false")]
    [TestCase("0")]
    [TestCase("-12.5e+3")]
    [TestCase("1e400")]
    [TestCase("\"text with \\\"escapes\\\" and \\u00e9\"")]
    [TestCase("\"ключ ✓ 😀\"")]
    [TestCase("{}")]
    [TestCase("[]")]
    [TestCase("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}")]
    [TestCase("[1, \"two\", 3.0, [false]]")]
    [TestCase(" \r\n\t{ \"spaced\" : true } \n")]
    public void Single_well_formed_value_is_accepted(string json)
    {
        var result = Validate(json);

        Assert.That(result.IsValid, Is.True, $"{json} is one JSON value, yet: {result.Message}");
    }

    [Test]
    public void Empty_body_is_rejected_as_empty()
    {
        var result = _validator.Validate([]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(ValidationFailure.Empty), "failure kind");
            Assert.That(result.Message, Does.Contain("empty"), "the message says the body is empty");
        });
    }

    [TestCase("   ", 3, TestName = "Whitespace_only_body_is_invalid_json")]
    [TestCase("{\"a\":1} x", 8, TestName = "Trailing_garbage_is_invalid_json_at_its_offset")]
    [TestCase("1 2", 2, TestName = "Two_values_are_invalid_json_at_the_second")]
    [TestCase("{} {}", 3, TestName = "Two_objects_are_invalid_json_at_the_second")]
    [TestCase("[1,", 2, TestName = "Truncated_array_is_invalid_json_at_its_last_comma")]
    [TestCase("{\"a\":", 5, TestName = "Truncated_object_is_invalid_json_at_its_end")]
    [TestCase("\"unterminated", 13, TestName = "Unterminated_string_is_invalid_json")]
    [TestCase("{\n  \"a\": x}", 9, TestName = "Error_on_a_later_line_reports_its_byte_offset")]
    [TestCase("{'a':1}", 1, TestName = "Single_quotes_are_invalid_json")]
    [TestCase("[1,]", 3, TestName = "Trailing_comma_is_invalid_json")]
    [TestCase("// note\n1", 0, TestName = "Comment_is_invalid_json")]
    [TestCase("01", 1, TestName = "Leading_zero_is_invalid_json")]
    [TestCase("NaN", 0, TestName = "NaN_is_invalid_json")]
    [TestCase("\"tab\there\"", 4, TestName = "Raw_control_character_in_a_string_is_invalid_json")]
    public void Malformed_json_is_rejected_with_its_byte_offset(string json, long expectedOffset)
    {
        var result = Validate(json);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(ValidationFailure.InvalidJson), $"{json} is not exactly one JSON value");
            Assert.That(result.Position, Is.EqualTo(expectedOffset), $"the problem in {json} is at byte {expectedOffset}: {result.Message}");
            Assert.That(result.Message, Does.Contain($"byte offset {expectedOffset}"), "the message names the offset");
            Assert.That(result.Message, Does.Not.Contain("LineNumber:"), "without the reader's own position suffix");
        });
    }

    [Test]
    public void Invalid_utf8_is_rejected_with_the_offset_of_the_bad_byte()
    {
        byte[] body = [(byte)'"', (byte)'o', (byte)'k', 0xC3, 0x28, (byte)'"'];

        var result = _validator.Validate(body);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(ValidationFailure.InvalidEncoding), "0xC3 0x28 is not UTF-8, even inside a string");
            Assert.That(result.Position, Is.EqualTo(3), "the bad sequence starts at byte 3");
            Assert.That(result.Message, Does.Contain("offset 3").And.Contain("0xC3"), $"the message names offset and byte: {result.Message}");
        });
    }

    [Test]
    public void Byte_order_mark_is_rejected()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'];

        var result = _validator.Validate(body);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(ValidationFailure.InvalidJson), "RFC 8259 forbids a byte order mark");
            Assert.That(result.Message, Does.Contain("byte order mark"), "the message names the problem");
        });
    }

    [Test]
    public void Nesting_up_to_the_limit_is_accepted_and_one_more_level_rejected()
    {
        var validator = new JsonValueValidator(new StoreLimits { MaxJsonDepth = 5 });
        var atLimit = Encoding.UTF8.GetBytes("[[[[{\"a\":1}]]]]");
        var overLimit = Encoding.UTF8.GetBytes("[[[[[{\"a\":1}]]]]]");

        var accepted = validator.Validate(atLimit);
        var rejected = validator.Validate(overLimit);

        Assert.Multiple(() =>
        {
            Assert.That(accepted.IsValid, Is.True, $"depth 5 is within a limit of 5: {accepted.Message}");
            Assert.That(rejected.Failure, Is.EqualTo(ValidationFailure.TooDeep), "depth 6 is over a limit of 5");
            Assert.That(rejected.Position, Is.EqualTo(5), "the sixth level opens at byte 5");
        });
    }

    [Test]
    public void Default_depth_limit_rejects_deeply_nested_arrays()
    {
        var json = new string('[', 65) + new string(']', 65);

        Assert.That(Validate(json).Failure, Is.EqualTo(ValidationFailure.TooDeep), "65 levels are over the default limit of 64");
    }

    [Test]
    public void Body_at_the_size_limit_is_accepted_and_one_byte_more_rejected()
    {
        var validator = new JsonValueValidator(new StoreLimits { MaxValueBytes = 10 });
        var atLimit = Encoding.UTF8.GetBytes("\"12345678\"");
        var overLimit = Encoding.UTF8.GetBytes("\"123456789\"");

        var accepted = validator.Validate(atLimit);
        var rejected = validator.Validate(overLimit);

        Assert.Multiple(() =>
        {
            Assert.That(accepted.IsValid, Is.True, $"10 bytes are within a limit of 10: {accepted.Message}");
            Assert.That(rejected.Failure, Is.EqualTo(ValidationFailure.TooLarge), "11 bytes are over a limit of 10");
            Assert.That(rejected.Message, Does.Contain("11 bytes").And.Contain("10 bytes"), $"the message gives size and limit: {rejected.Message}");
        });
    }

    [Test]
    public void Default_size_limit_is_one_mebibyte()
    {
        var body = new byte[StoreLimits.DefaultMaxValueBytes + 1];
        body.AsSpan().Fill((byte)' ');
        body[0] = (byte)'1';

        Assert.Multiple(() =>
        {
            Assert.That(_validator.Validate(body).Failure, Is.EqualTo(ValidationFailure.TooLarge), "1 MiB + 1 byte is over the default limit");
            Assert.That(_validator.Validate(body.AsSpan(0, StoreLimits.DefaultMaxValueBytes)).IsValid, Is.True, "exactly 1 MiB is within it");
        });
    }

    [Test]
    public void Non_positive_limits_are_a_configuration_error()
    {
        Assert.That(() => new JsonValueValidator(new StoreLimits { MaxValueBytes = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>(),
            "a limit of 0 bytes would reject every value");
    }
}
