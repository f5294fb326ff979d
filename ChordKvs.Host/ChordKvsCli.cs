namespace ChordKvs.Host;

/// <summary>Runs a <c>chordkvs</c> command line: parses it and hands it to its command.</summary>
internal static class ChordKvsCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        switch (CommandLineParser.Parse(args))
        {
            case ParsedCommand.Help help:
                await output.WriteLineAsync(Usage.For(help.Command));
                return ExitCodes.Success;
            case ParsedCommand.Error problem:
                await error.WriteLineAsync($"chordkvs: {problem.Message}");
                await error.WriteLineAsync(problem.Command is null ? "Run 'chordkvs --help' for usage." : $"Run 'chordkvs {problem.Command} --help' for usage.");
                return ExitCodes.Usage;
            case ParsedCommand.Bench bench:
                return await Bench.BenchCommand.RunAsync(bench.Options, output, error);
            case ParsedCommand.Node node:
                return await NodeCommand.RunAsync(node, output, error);
            case ParsedCommand.Demo demo:
                return await DemoCommand.RunAsync(demo, output, error);
            case ParsedCommand.Simulate simulate:
                return Simulator.SimulateCommand.Run(simulate.Arguments, output, error);
            default:
                throw new InvalidOperationException("Every parsed command has a handler.");
        }
    }
}
