using ChordKvs.Host;
using ChordKvs.Host.Bench;

namespace ChordKvs.Tests.Host.Bench;

public class BenchArgumentsTests
{
    private static BenchOptions Options(params string[] args)
    {
        var parsed = CommandLineParser.Parse(["bench", .. args]);
        Assert.That(parsed, Is.TypeOf<ParsedCommand.Bench>(), () => $"expected options, got {parsed}");
        return ((ParsedCommand.Bench)parsed).Options;
    }

    [Test]
    public void Every_option_is_read()
    {
        var options = Options("--target", "http://127.0.0.1:7000,http://127.0.0.1:7001/", "--duration", "30s", "--warmup=500ms",
            "--connections", "64", "--keys", "10000", "--value-size", "64", "--mix", "get=80,put=15,delete=5", "--zipf", "0.99",
            "--seed", "7", "--json", "out.json");

        Assert.Multiple(() =>
        {
            Assert.That(options.Targets, Is.EqualTo(new[] { new Uri("http://127.0.0.1:7000/"), new Uri("http://127.0.0.1:7001/") }));
            Assert.That(options.Duration, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.Warmup, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(options.Connections, Is.EqualTo(64));
            Assert.That(options.Keys, Is.EqualTo(10_000));
            Assert.That(options.ValueSize, Is.EqualTo(64));
            Assert.That(options.Mix, Is.EqualTo(new OperationMix(80, 15, 5)));
            Assert.That(options.Zipf, Is.EqualTo(0.99));
            Assert.That(options.Seed, Is.EqualTo(7));
            Assert.That(options.JsonPath, Is.EqualTo("out.json"));
            Assert.That(options.Memory, Is.False);
        });
    }

    [Test]
    public void Defaults_match_the_usage_text()
    {
        var options = Options("--target", "http://localhost:7000");

        Assert.Multiple(() =>
        {
            Assert.That(options.Duration, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.Warmup, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.Connections, Is.EqualTo(64));
            Assert.That(options.Keys, Is.EqualTo(10_000));
            Assert.That(options.ValueSize, Is.EqualTo(64));
            Assert.That(options.Mix, Is.EqualTo(new OperationMix(90, 10, 0)));
            Assert.That(options.Zipf, Is.Null, "keys are uniform unless --zipf is given");
            Assert.That(Usage.Bench, Does.Contain("default 10s").And.Contain("default 64").And.Contain("get=90,put=10"));
        });
    }

    [Test]
    public void Memory_mode_needs_no_target_and_defaults_to_a_million_keys()
    {
        var options = Options("--memory");

        Assert.That(options.Memory, Is.True);
        Assert.That(options.Keys, Is.EqualTo(1_000_000));
    }

    [Test]
    public void A_target_with_a_path_keeps_it_when_keys_are_appended()
    {
        var options = Options("--target", "http://127.0.0.1:7000/store");

        Assert.That(new Uri(options.Targets[0], "kv/a"), Is.EqualTo(new Uri("http://127.0.0.1:7000/store/kv/a")));
    }

    [TestCase("30s", 30_000)]
    [TestCase("250ms", 250)]
    [TestCase("1.5s", 1_500)]
    [TestCase("2m", 120_000)]
    [TestCase("1h", 3_600_000)]
    [TestCase("12", 12_000)]
    public void Durations_take_units(string text, int milliseconds)
    {
        Assert.That(BenchArguments.TryParseDuration(text, out var duration), Is.True, $"'{text}' should parse");
        Assert.That(duration, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase(new string[0], "--target is required")]
    [TestCase(new[] { "--target", "127.0.0.1:7000" }, "absolute http:// or https://")]
    [TestCase(new[] { "--target", "ftp://x" }, "absolute http:// or https://")]
    [TestCase(new[] { "--target", "http://a:1", "--duration", "0s" }, "--duration must be a positive duration")]
    [TestCase(new[] { "--target", "http://a:1", "--duration", "soon" }, "--duration must be a positive duration")]
    [TestCase(new[] { "--target", "http://a:1", "--connections", "0" }, "--connections must be a whole number from 1")]
    [TestCase(new[] { "--target", "http://a:1,http://b:1", "--connections", "1" }, "at least the number of targets (2)")]
    [TestCase(new[] { "--target", "http://a:1", "--value-size", "4" }, "--value-size must be a whole number from 8")]
    [TestCase(new[] { "--target", "http://a:1", "--mix", "get=90,put=20" }, "adds up to 110")]
    [TestCase(new[] { "--target", "http://a:1", "--mix", "get=90,post=10" }, "--mix lists each of get, put and delete")]
    [TestCase(new[] { "--target", "http://a:1", "--mix", "get=50,get=50" }, "--mix lists each of get, put and delete at most once")]
    [TestCase(new[] { "--target", "http://a:1", "--zipf", "0" }, "--zipf is the exponent")]
    [TestCase(new[] { "--target", "http://a:1", "--keys" }, "--keys needs a value")]
    [TestCase(new[] { "--target", "http://a:1", "--keys", "5", "--keys", "6" }, "--keys is given twice")]
    [TestCase(new[] { "--target", "http://a:1", "--frob", "1" }, "Unknown option '--frob' for bench")]
    [TestCase(new[] { "--memory", "--target", "http://a:1" }, "takes no --target")]
    public void Mistakes_are_errors_that_say_what_is_wrong(string[] args, string expected)
    {
        var parsed = CommandLineParser.Parse(["bench", .. args]);

        Assert.That(parsed, Is.TypeOf<ParsedCommand.Error>());
        Assert.That(((ParsedCommand.Error)parsed).Message, Does.Contain(expected));
        Assert.That(((ParsedCommand.Error)parsed).Command, Is.EqualTo("bench"), "the error points to bench's usage");
    }

    [Test]
    public void Help_shows_the_bench_usage()
    {
        Assert.That(CommandLineParser.Parse(["bench", "--target", "http://a:1", "--help"]), Is.EqualTo(new ParsedCommand.Help("bench")));
        Assert.That(Usage.For("bench"), Does.Contain("--target URL"));
    }
}
