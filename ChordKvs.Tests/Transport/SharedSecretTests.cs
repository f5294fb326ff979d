using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Transport;

public class SharedSecretTests
{
    private readonly SharedSecret secret = new("correct-horse");

    [Test]
    public void The_same_secret_matches()
    {
        Assert.That(secret.Matches("correct-horse"), Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("correct-hors")]
    [TestCase("correct-horse ")]
    [TestCase("Correct-horse")]
    [TestCase("correct-horsf")]
    public void Anything_else_does_not_match(string? presented)
    {
        Assert.That(secret.Matches(presented), Is.False);
    }

    [Test]
    public void A_long_presented_value_is_compared_without_failing()
    {
        Assert.That(secret.Matches(new string('x', 10_000)), Is.False);
    }
}
