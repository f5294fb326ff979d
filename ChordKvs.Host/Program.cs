// The chordkvs executable: every command lives in its own class; this only connects the console.
return await ChordKvs.Host.ChordKvsCli.RunAsync(args, Console.Out, Console.Error);
