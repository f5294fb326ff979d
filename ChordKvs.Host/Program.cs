// The chordkvs executable; its node and demo subcommands arrive with the node host.
if (args.Length > 0 && args[0] == "simulate")
{
    return ChordKvs.Host.Simulator.SimulateCommand.Run(args[1..], Console.Out, Console.Error);
}

Console.WriteLine("chordkvs: subcommands are not implemented yet.");
return 1;
