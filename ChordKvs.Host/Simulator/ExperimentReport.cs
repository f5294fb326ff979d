namespace ChordKvs.Host.Simulator;

/// <summary>
/// What an experiment produced: its tables and charts, which depend only on the options and the seed, and the wall
/// times of its steps, which do not and therefore go to standard error only.
/// </summary>
/// <param name="Experiment">The experiment's command-line name.</param>
/// <param name="Parts">The tables with their charts.</param>
/// <param name="Timings">Wall-clock lines, for standard error.</param>
internal sealed record ExperimentReport(string Experiment, IReadOnlyList<ReportPart> Parts, IReadOnlyList<string> Timings);
