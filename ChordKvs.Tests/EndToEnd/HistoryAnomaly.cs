namespace ChordKvs.Tests.EndToEnd;

/// <summary>One contradiction between an observed state and the client history, with the operations that show it.</summary>
/// <param name="Kind">What kind of contradiction.</param>
/// <param name="Key">The key.</param>
/// <param name="Observation">What was observed, and where.</param>
/// <param name="Evidence">The operations that make the observation wrong, oldest first.</param>
internal sealed record HistoryAnomaly(HistoryAnomalyKind Kind, string Key, string Observation, IReadOnlyList<ClientOperation> Evidence)
{
    /// <summary>The anomaly with its evidence, one operation a line, times relative to <paramref name="origin"/>.</summary>
    public string Describe(long origin) =>
        $"{Kind} on {Key}: {Observation}{string.Concat(Evidence.Select(operation => $"{Environment.NewLine}    {operation.Describe(origin)}"))}";
}
