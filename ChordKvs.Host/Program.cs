// The chordkvs executable: every command lives in its own class; this only connects the console.

// Socket completions run on the socket's event thread instead of hopping to the thread pool. A node's request
// path never blocks a thread, which is what inline completions require, and the hops it saves (thread wake-ups,
// expensive on virtual machines) made a 3-node cluster serve about half again as many requests
// (docs/performance.md). Read once, when the first socket is created, so it is set before anything else runs;
// a value already in the environment (such as 0) wins.
// NodeApplication then lets Kestrel run requests on that thread as well.
if (Environment.GetEnvironmentVariable(ChordKvs.Host.NodeApplication.InlineSocketCompletionsVariable) is null)
{
    Environment.SetEnvironmentVariable(ChordKvs.Host.NodeApplication.InlineSocketCompletionsVariable, "1");
}

return await ChordKvs.Host.ChordKvsCli.RunAsync(args, Console.Out, Console.Error);
