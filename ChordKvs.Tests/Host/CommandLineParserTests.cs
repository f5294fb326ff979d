using ChordKvs.Host;

namespace ChordKvs.Tests.Host;

public class CommandLineParserTests
{
    private static ParsedCommand Parse(params string[] args) => CommandLineParser.Parse(args);

    [Test]
    public void Node_options_become_configuration_keys()
    {
        var parsed = Parse("node", "--listen", "127.0.0.1:7001", "--join=http://127.0.0.1:7000", "--replicas", "5", "--secret", "s3cret", "--client-token", "t0ken", "--advertise", "http://a:7001", "--seed", "42", "--vnodes", "8");

        Assert.That(parsed, Is.TypeOf<ParsedCommand.Node>());
        Assert.That(((ParsedCommand.Node)parsed).Settings, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["ListenAddress"] = "127.0.0.1:7001",
            ["JoinUrl"] = "http://127.0.0.1:7000",
            ["Node:Replication:ReplicaCount"] = "5",
            ["ClusterSecret"] = "s3cret",
            ["ClientToken"] = "t0ken",
            ["AdvertisedAddress"] = "http://a:7001",
            ["RandomSeed"] = "42",
            ["VirtualNodes"] = "8",
        }));
    }

    [Test]
    public void Demo_has_defaults_and_takes_nodes_and_base_port()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Parse("demo"), Is.EqualTo(new ParsedCommand.Demo(3, 7000)));
            Assert.That(Parse("demo", "--nodes", "5", "--base-port=9000"), Is.EqualTo(new ParsedCommand.Demo(5, 9000)));
            Assert.That(Parse("demo", "--base-port", "0"), Is.EqualTo(new ParsedCommand.Demo(3, 0)), "port 0 means any free ports");
            Assert.That(Parse("demo", "--vnodes", "4"), Is.EqualTo(new ParsedCommand.Demo(3, 7000, 4)));
            Assert.That(Parse("demo", "--vnodes", "65"), Is.TypeOf<ParsedCommand.Error>(), "at most 64 virtual nodes");
            Assert.That(Parse("node", "--listen", "x:1", "--vnodes", "0"), Is.TypeOf<ParsedCommand.Error>(), "at least one virtual node");
        });
    }

    [TestCase(new string[0], null)]
    [TestCase(new[] { "--help" }, null)]
    [TestCase(new[] { "-h" }, null)]
    [TestCase(new[] { "help", "node" }, "node")]
    [TestCase(new[] { "node", "--help" }, "node")]
    [TestCase(new[] { "node", "--listen", "x:1", "-h" }, "node")]
    [TestCase(new[] { "demo", "--help" }, "demo")]
    public void Help_is_found_anywhere(string[] args, string? command)
    {
        var parsed = Parse(args);

        if (args.Length == 0)
        {
            Assert.That(parsed, Is.TypeOf<ParsedCommand.Error>(), "no command is a usage error");
        }
        else
        {
            Assert.That(parsed, Is.EqualTo(new ParsedCommand.Help(command)));
        }
    }

    [TestCase(new[] { "frobnicate" }, "Unknown command 'frobnicate'")]
    [TestCase(new[] { "node", "--listne", "127.0.0.1:1" }, "Unknown option '--listne' for node")]
    [TestCase(new[] { "node", "stray" }, "Unexpected argument 'stray'")]
    [TestCase(new[] { "node", "--listen" }, "--listen needs a value")]
    [TestCase(new[] { "node", "--replicas", "0" }, "--replicas must be a whole number of at least 1")]
    [TestCase(new[] { "node", "--replicas", "three" }, "--replicas must be a whole number")]
    [TestCase(new[] { "node", "--listen", "a:1", "--listen", "b:2" }, "--listen is given twice")]
    [TestCase(new[] { "demo", "--nodes", "0" }, "--nodes must be between 1 and 32")]
    [TestCase(new[] { "demo", "--nodes" }, "--nodes needs a whole number")]
    [TestCase(new[] { "demo", "--base-port", "80" }, "--base-port must leave room")]
    [TestCase(new[] { "demo", "--join", "x" }, "Unknown option '--join' for demo")]
    public void Mistakes_are_errors_that_say_what_is_wrong(string[] args, string expected)
    {
        var parsed = Parse(args);

        Assert.That(parsed, Is.TypeOf<ParsedCommand.Error>());
        Assert.That(((ParsedCommand.Error)parsed).Message, Does.Contain(expected));
    }

    [Test]
    public void Simulate_hands_its_arguments_to_the_simulator()
    {
        var parsed = Parse("simulate", "path-length", "--seed", "7");
        Assert.That(parsed, Is.TypeOf<ParsedCommand.Simulate>());
        Assert.That(((ParsedCommand.Simulate)parsed).Arguments, Is.EqualTo(new[] { "path-length", "--seed", "7" }));
    }

    [Test]
    public async Task Usage_errors_exit_with_code_2_and_help_with_0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var unknown = await ChordKvsCli.RunAsync(["node", "--bogus"], output, error);
        var help = await ChordKvsCli.RunAsync(["--help"], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(unknown, Is.EqualTo(2), "an unknown option exits with 2");
            Assert.That(error.ToString(), Does.Contain("Unknown option '--bogus'").And.Contain("chordkvs node --help"));
            Assert.That(help, Is.Zero);
            Assert.That(output.ToString(), Does.Contain("Usage: chordkvs <command>"));
        });
    }

    [Test]
    public async Task Node_without_a_listen_address_is_a_usage_error()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await ChordKvsCli.RunAsync(["node", "--join", "http://127.0.0.1:1"], output, error);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("--listen HOST:PORT is required"));
    }
}
