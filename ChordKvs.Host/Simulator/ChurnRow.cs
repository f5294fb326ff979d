namespace ChordKvs.Host.Simulator;

/// <summary>What one churn rate did to the lookups.</summary>
/// <param name="Departure">How nodes departed.</param>
/// <param name="Rate">Joins per second, and departures per second.</param>
/// <param name="Tally">The measured lookups' outcomes.</param>
/// <param name="Joins">Joins started during the run (warm-up included).</param>
/// <param name="FailedJoins">Joins that failed (the bootstrap node departed first, for example); the node was dropped.</param>
/// <param name="Departures">Nodes that failed or left during the run.</param>
/// <param name="Abandoned">Measured lookups whose asking node departed before they ended; not counted either way.</param>
/// <param name="FinalNodes">Members at the end.</param>
/// <param name="MaintenanceFailures">Maintenance rounds that failed unexpectedly, over all nodes (0 in a healthy run).</param>
/// <param name="Messages">One-way messages sent in all.</param>
/// <param name="Wall">Wall time of the run.</param>
internal sealed record ChurnRow(Departure Departure, double Rate, LookupTally Tally, int Joins, int FailedJoins, int Departures, int Abandoned, int FinalNodes, long MaintenanceFailures, long Messages, TimeSpan Wall);
