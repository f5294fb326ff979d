using ChordKvs.Core.Storage;

namespace ChordKvs.Tests.Storage;

public class KeyValidatorTests
{
    private readonly KeyValidator _validator = new(new StoreLimits());

    [TestCase("a")]
    [TestCase("users/42")]
    [TestCase("/leading/and/trailing/")]
    [TestCase("with space and %20 and ?query#hash")]
    [TestCase("ключ")]
    [TestCase("emoji 😀 pair")]
    public void Ordinary_keys_are_accepted(string key)
    {
        var result = _validator.Validate(key);

        Assert.That(result.IsValid, Is.True, $"'{key}' should be a valid key, yet: {result.Message}");
    }

    [TestCase(null)]
    [TestCase("")]
    public void Empty_key_is_rejected(string? key)
    {
        Assert.That(_validator.Validate(key).Failure, Is.EqualTo(ValidationFailure.Empty), "a key needs a character");
    }

    // Built in code: attribute arguments are stored as UTF-8, which would turn a lone surrogate into U+FFFD.
    private static readonly TestCaseData[] UnpairedSurrogates =
    [
        new TestCaseData("ab\uD800", 2L).SetName("Lone_high_surrogate_at_the_end_is_rejected"),
        new TestCaseData("\uD800x", 0L).SetName("High_surrogate_before_a_non_surrogate_is_rejected"),
        new TestCaseData("a\uDC00", 1L).SetName("Lone_low_surrogate_is_rejected"),
        new TestCaseData("\uDC00\uD800", 0L).SetName("Surrogates_in_the_wrong_order_are_rejected"),
    ];

    [TestCaseSource(nameof(UnpairedSurrogates))]
    public void Unpaired_surrogates_are_rejected_with_their_index(string key, long expectedIndex)
    {
        var result = _validator.Validate(key);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(ValidationFailure.InvalidEncoding), "an unpaired surrogate has no UTF-8 form");
            Assert.That(result.Position, Is.EqualTo(expectedIndex), $"at character {expectedIndex}: {result.Message}");
        });
    }

    [TestCase("nul\0", 3)]
    [TestCase("line\nbreak", 4)]
    [TestCase("\ttab", 0)]
    [TestCase("del\u007F", 3)]
    [TestCase("c1\u0085", 2)]
    public void Control_characters_are_rejected_with_their_index(string key, long expectedIndex)
    {
        var result = _validator.Validate(key);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(ValidationFailure.ForbiddenCharacter), "keys may not contain control characters");
            Assert.That(result.Position, Is.EqualTo(expectedIndex), $"at character {expectedIndex}: {result.Message}");
            Assert.That(result.Message, Does.Contain("U+"), "the message names the character");
        });
    }

    [Test]
    public void Key_of_exactly_the_limit_in_utf8_bytes_is_accepted_and_one_byte_more_rejected()
    {
        var atLimit = new string('é', 512);
        var overLimit = atLimit + "a";

        var rejected = _validator.Validate(overLimit);

        Assert.Multiple(() =>
        {
            Assert.That(_validator.Validate(atLimit).IsValid, Is.True, "512 × 'é' is 1024 UTF-8 bytes, the default limit");
            Assert.That(rejected.Failure, Is.EqualTo(ValidationFailure.TooLarge), "1025 UTF-8 bytes are over the limit, though only 513 characters");
            Assert.That(rejected.Message, Does.Contain("1025").And.Contain("1024"), $"the message gives size and limit: {rejected.Message}");
        });
    }

    [Test]
    public void Key_with_more_characters_than_the_limit_is_rejected()
    {
        var validator = new KeyValidator(new StoreLimits { MaxKeyBytes = 4 });

        Assert.Multiple(() =>
        {
            Assert.That(validator.Validate("abcd").IsValid, Is.True, "4 bytes fit a limit of 4");
            Assert.That(validator.Validate("abcde").Failure, Is.EqualTo(ValidationFailure.TooLarge), "5 bytes do not");
        });
    }
}
