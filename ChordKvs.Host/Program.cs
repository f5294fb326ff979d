// The chordkvs executable; its subcommands arrive with the node host.
Console.WriteLine("chordkvs: subcommands are not implemented yet.");
return 1;
