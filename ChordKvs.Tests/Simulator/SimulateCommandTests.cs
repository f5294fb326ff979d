using System.Xml.Linq;
using ChordKvs.Host.Simulator;

namespace ChordKvs.Tests.Simulator;

public class SimulateCommandTests
{
    private readonly List<string> _directories = [];

    [TearDown]
    public void RemoveOutput()
    {
        foreach (var directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCase("path-length", "--min-exponent", "3", "--max-exponent", "6", "--lookups-per-node", "10")]
    [TestCase("load-balance", "--nodes", "300", "--min-keys", "3000", "--max-keys", "9000", "--key-step", "3000", "--repetitions", "2", "--virtual-nodes", "1,4", "--virtual-node-keys", "9000")]
    [TestCase("simultaneous-failures", "--nodes", "200", "--lookups", "500", "--fractions", "0,0.3")]
    [TestCase("churn", "--nodes", "80", "--rates", "0.1,0.3", "--duration", "240", "--warm-up", "30")]
    public void The_same_seed_gives_the_same_table_and_files_and_another_seed_a_different_table(params string[] experiment)
    {
        var first = Simulate(seed: 7, experiment);
        var again = Simulate(seed: 7, experiment);
        var other = Simulate(seed: 8, experiment);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.Error);
            Assert.That(again.Output, Is.EqualTo(first.Output), "the same seed must print the same table");
            Assert.That(again.Files, Is.EqualTo(first.Files), "the same seed must write the same CSV and SVG files");
            Assert.That(other.Output, Is.Not.EqualTo(first.Output), "another seed should give different measurements");
            Assert.That(first.Files.Keys, Has.Some.EndsWith(".csv").And.Some.EndsWith(".svg"));
        });
    }

    [Test]
    public void The_csv_holds_the_printed_rows_and_the_svg_is_standalone_xml()
    {
        var run = Simulate(seed: 1, "path-length", "--min-exponent", "3", "--max-exponent", "5", "--lookups-per-node", "5");

        var csv = run.Files["path-length.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(csv, Has.Length.EqualTo(4), "a heading and one row per ring size");
        Assert.That(csv[0], Does.StartWith("k,nodes,lookups,mean hops"));
        Assert.That(csv[1], Does.StartWith("3,8,40,"));

        var svg = XDocument.Parse(run.Files["path-length.svg"]);
        Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
        Assert.That(svg.Descendants().Any(element => element.Name.LocalName is "script" or "image" or "link" or "style"), Is.False, "the chart must not load or run anything");
        Assert.That(svg.Descendants().Where(element => element.Name.LocalName == "polyline").Count(), Is.EqualTo(2), "the paper's line and ours");
    }

    [Test]
    public void Mistakes_on_the_command_line_exit_with_2_and_say_what_is_wrong()
    {
        Assert.Multiple(() =>
        {
            var unknown = Simulate(seed: 1, "fig-99");
            Assert.That(unknown.ExitCode, Is.EqualTo(2));
            Assert.That(unknown.Error, Does.Contain("'fig-99' is not an experiment"));

            var typo = Simulate(seed: 1, "path-length", "--max-exponnent", "5");
            Assert.That(typo.ExitCode, Is.EqualTo(2));
            Assert.That(typo.Error, Does.Contain("does not take --max-exponnent"));

            var range = Simulate(seed: 1, "path-length", "--min-exponent", "9", "--max-exponent", "4");
            Assert.That(range.ExitCode, Is.EqualTo(2));
            Assert.That(range.Error, Does.Contain("must not exceed"));

            var missing = Simulate(seed: 1, "churn", "--rates");
            Assert.That(missing.ExitCode, Is.EqualTo(2));
            Assert.That(missing.Error, Does.Contain("--rates needs a value"));
        });
    }

    [Test]
    public void Help_lists_every_experiment()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = SimulateCommand.Run(["--help"], output, error);

        Assert.That(exitCode, Is.Zero);
        Assert.That(output.ToString(), Does.Contain("path-length").And.Contain("load-balance").And.Contain("simultaneous-failures").And.Contain("churn"));
    }

    private (int ExitCode, string Output, string Error, Dictionary<string, string> Files) Simulate(int seed, params string[] experiment)
    {
        var directory = Path.Combine(Path.GetTempPath(), "chordkvs-simulate-" + Guid.NewGuid().ToString("N"));
        _directories.Add(directory);
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = [.. experiment, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", directory];

        var exitCode = SimulateCommand.Run(args, output, error);

        var files = Directory.Exists(directory)
            ? Directory.GetFiles(directory).ToDictionary(path => Path.GetFileName(path), File.ReadAllText)
            : [];
        return (exitCode, output.ToString(), error.ToString(), files);
    }
}
