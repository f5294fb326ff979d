using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Rest;

public class RawTargetKeyTests
{
    [TestCase("/kv/plain", "plain")]
    [TestCase("/kv/users/42", "users/42")]
    [TestCase("/kv/users%2F42", "users/42")]
    [TestCase("/kv/users%2f42", "users/42")]
    [TestCase("/kv/a%20b+c", "a b+c")]
    [TestCase("/kv/%D0%BA%D0%BB%D1%8E%D1%87", "ключ")]
    [TestCase("/kv/%F0%9F%98%80", "😀")]
    [TestCase("/kv/a//b/", "a//b/")]
    [TestCase("/kv/a/../b", "a/../b")]
    [TestCase("/kv/x?w=2&r=1", "x")]
    [TestCase("/kv/%3Fnot-a-query", "?not-a-query")]
    [TestCase("/KV/case", "case")]
    [TestCase("http://127.0.0.1:7000/kv/absolute%2Fform?w=1", "absolute/form")]
    [TestCase("/kv/", "")]
    [TestCase("/kv", "")]
    [TestCase("/kv/ключ", "ключ")]
    public void Decodes_the_key_after_the_prefix(string rawTarget, string expected)
    {
        var parsed = RawTargetKey.TryParse(rawTarget, "/kv/", out var key, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True, $"'{rawTarget}' should parse, but: {error}");
            Assert.That(key, Is.EqualTo(expected), $"the key of '{rawTarget}'");
        });
    }

    [Test]
    public void Skips_a_path_base_whatever_its_case_or_encoding()
    {
        var parsed = RawTargetKey.TryParse("/St%C3%B6re/kv/a%2Fb", "/Störe/kv/", out var key, out var error);

        Assert.That((parsed, key), Is.EqualTo((true, "a/b")), $"the key after an encoded path base ({error})");
    }

    [TestCase("/kv/%zz", "percent-escape")]
    [TestCase("/kv/abc%4", "percent-escape")]
    [TestCase("/kv/abc%", "percent-escape")]
    [TestCase("/kv/%C3%28", "not valid UTF-8")]
    [TestCase("/kv/%FF", "not valid UTF-8")]
    [TestCase("/kv/%ED%A0%80", "not valid UTF-8")]
    [TestCase("/other/key", "does not start with /kv/")]
    public void Rejects_what_is_not_a_percent_encoded_UTF8_key(string rawTarget, string expectedReason)
    {
        var parsed = RawTargetKey.TryParse(rawTarget, "/kv/", out _, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.False, $"'{rawTarget}' must be rejected");
            Assert.That(error, Does.Contain(expectedReason), "the reason names the problem");
        });
    }

    [Test]
    public void Rejects_an_unpaired_surrogate_in_raw_text()
    {
        var parsed = RawTargetKey.TryParse("/kv/a\uD800b", "/kv/", out _, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.False, "a lone surrogate is no text a client can have sent as UTF-8");
            Assert.That(error, Does.Contain("surrogate"));
        });
    }
}
