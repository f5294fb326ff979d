using System.Globalization;
using System.Text;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// <c>chordkvs simulate &lt;experiment&gt; [--seed S] [--out DIR] [options]</c>: runs one of the Chord papers'
/// experiments on the simulated network, prints its table on standard output, writes a CSV file and an SVG chart
/// per table into the output directory, and reports progress and wall times on standard error.
/// </summary>
/// <remarks>
/// Standard output and the files depend only on the experiment, its options and the seed: the same command gives
/// byte-identical results. Everything that depends on the machine (wall times) goes to standard error.
/// </remarks>
internal static class SimulateCommand
{
    /// <summary>Exit code: the experiment ran.</summary>
    public const int Success = 0;

    /// <summary>Exit code: the output could not be written.</summary>
    public const int Failure = 1;

    /// <summary>Exit code: the command line is wrong; nothing ran.</summary>
    public const int Usage = 2;

    /// <summary>The default output directory, relative to the working directory.</summary>
    public const string DefaultOutput = "simulation-results";

    /// <summary>The text printed by <c>chordkvs simulate --help</c>.</summary>
    public static string UsageText { get; } = string.Join('\n',
        "Usage: chordkvs simulate <experiment> [--seed S] [--out DIR] [options]",
        "",
        "Reproduces the evaluation of the Chord papers (Stoica et al., SIGCOMM 2001 section 6; IEEE/ACM ToN 2003",
        "section V) on ChordKvs's own protocol code over the simulated network. Prints a table, writes <name>.csv and",
        "<name>.svg into DIR (default ./simulation-results). The same seed gives the same output. Defaults are the",
        "paper's sizes; the options make quicker runs.",
        "",
        "Experiments and their options:",
        "  path-length             Fig. 10: hops per lookup for N = 2^k nodes, 100 N lookups each",
        "      --min-exponent 3  --max-exponent 14  --lookups-per-node 100  --successors 8",
        "  load-balance            Fig. 8 and 9: keys per node, with and without virtual nodes (placement only)",
        "      --nodes 10000  --min-keys 100000  --max-keys 1000000  --key-step 100000  --repetitions 20",
        "      --virtual-nodes 1,2,5,10,20  --virtual-node-keys 1000000",
        "  simultaneous-failures   ToN Table II: lookups right after a fraction of nodes fail, no stabilization",
        "      --nodes 1000  --successors 2 log2 N  --lookups 10000  --fractions 0,0.1,0.2,0.3,0.4,0.5",
        "  churn                   ToN Table III: lookups while nodes join and depart (Poisson) and stabilize",
        "      --nodes 1000  --rates 0.05,0.1,...,0.4  --duration 7200  --warm-up 300  --stabilize 30",
        "      --lookup-rate 1  --successors 2 log2 N  --departures fail (or leave, or fail,leave)",
        "",
        "Common options: --seed 1 (any integer), --out simulation-results",
        "");

    /// <summary>Runs the command line after <c>simulate</c>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            (args.Count == 0 ? error : output).Write(UsageText);
            return args.Count == 0 ? Usage : Success;
        }

        ExperimentReport report;
        string outputDirectory;
        try
        {
            var arguments = SimulationArguments.Parse([.. args.Skip(1)]);
            var seed = arguments.GetInt("seed", 1);
            outputDirectory = arguments.GetString("out", DefaultOutput);
            var progress = new ProgressReporter(error);
            var experiment = Prepare(args[0], arguments);
            arguments.EnsureAllUsed(args[0]);
            progress.Say(string.Create(CultureInfo.InvariantCulture, $"simulate {args[0]}: seed {seed}"));
            report = experiment(seed, progress);
            foreach (var timing in report.Timings)
            {
                error.WriteLine(timing);
            }

            progress.Say($"simulate {args[0]}: done");
        }
        catch (UsageException problem)
        {
            error.WriteLine($"chordkvs simulate: {problem.Message}");
            error.WriteLine("Run 'chordkvs simulate --help' for usage.");
            return Usage;
        }

        output.Write(Render(report));
        try
        {
            foreach (var file in Write(report, outputDirectory))
            {
                error.WriteLine($"wrote {file}");
            }
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"chordkvs simulate: could not write the results to '{outputDirectory}': {problem.Message}");
            return Failure;
        }

        return Success;
    }

    /// <summary>The text printed on standard output for a report: each table under its title, with its notes.</summary>
    public static string Render(ExperimentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        foreach (var part in report.Parts)
        {
            text.Append(part.Title).Append('\n').Append('\n').Append(part.Table.ToText()).Append('\n');
            foreach (var note in part.Notes)
            {
                text.Append(note).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes each part's CSV file and SVG chart into <paramref name="directory"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(ExperimentReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var part in report.Parts)
        {
            var csv = Path.Combine(directory, part.FileStem + ".csv");
            File.WriteAllText(csv, part.Table.ToCsv(), utf8);
            var svg = Path.Combine(directory, part.FileStem + ".svg");
            File.WriteAllText(svg, part.Chart.Render(), utf8);
            written.Add(csv);
            written.Add(svg);
        }

        return written;
    }

    private static Func<int, ProgressReporter, ExperimentReport> Prepare(string experiment, SimulationArguments arguments)
    {
        switch (experiment)
        {
            case PathLengthExperiment.Name:
                var pathLength = PathLengthOptions.From(arguments);
                return (seed, progress) => PathLengthExperiment.Run(pathLength, seed, progress);
            case LoadBalanceExperiment.Name:
                var loadBalance = LoadBalanceOptions.From(arguments);
                return (seed, progress) => LoadBalanceExperiment.Run(loadBalance, seed, progress);
            case SimultaneousFailuresExperiment.Name:
                var failures = SimultaneousFailuresOptions.From(arguments);
                return (seed, progress) => SimultaneousFailuresExperiment.Run(failures, seed, progress);
            case ChurnExperiment.Name:
                var churn = ChurnOptions.From(arguments);
                return (seed, progress) => ChurnExperiment.Run(churn, seed, progress);
            default:
                throw new UsageException($"'{experiment}' is not an experiment; choose path-length, load-balance, simultaneous-failures or churn.");
        }
    }
}
