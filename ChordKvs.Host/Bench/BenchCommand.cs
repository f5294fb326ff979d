using System.Text.Json;

namespace ChordKvs.Host.Bench;

/// <summary><c>chordkvs bench</c>: loads running nodes and reports throughput and latency, or measures the store's memory per key.</summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (options.Memory)
        {
            var memory = StoreMemoryMeasurement.Measure(options.Keys, options.ValueSize);
            await output.WriteLineAsync(memory.Format());
            return await WriteJsonAsync(options.JsonPath, memory, error);
        }

        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C ends the run early and still reports; a second one ends the process.
            e.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var generator = new LoadGenerator(options, error);
            var failedKeys = await generator.PreloadAsync(interrupted.Token);
            if (failedKeys == options.Keys)
            {
                await error.WriteLineAsync($"chordkvs bench: none of the {options.Keys} keys could be written to {string.Join(", ", options.Targets)}; is a node running there?");
                return ExitCodes.Failure;
            }

            var report = await generator.RunAsync(interrupted.Token);
            await output.WriteLineAsync(report.Format());
            return await WriteJsonAsync(options.JsonPath, report, error);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> WriteJsonAsync<T>(string? path, T report, TextWriter error)
    {
        if (path is null)
        {
            return ExitCodes.Success;
        }

        try
        {
            await using var file = File.Create(path);
            await JsonSerializer.SerializeAsync(file, report, typeof(T), BenchJsonContext.Default);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"chordkvs bench: could not write the JSON report to '{path}': {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
