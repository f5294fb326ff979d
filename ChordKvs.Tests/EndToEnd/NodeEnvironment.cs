namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Settings for <c>chordkvs node</c> processes under test, as the <c>CHORDKVS_*</c> environment variables an
/// operator would set: fast maintenance so that a ring forms and repairs well within the tests' deadlines.
/// </summary>
internal static class NodeEnvironment
{
    /// <summary>Fast ring maintenance and join retries, warnings only in the logs, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> FastMaintenance(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["CHORDKVS_NODE__RING__STABILIZEINTERVAL"] = "00:00:00.200",
            ["CHORDKVS_NODE__RING__CHECKPREDECESSORINTERVAL"] = "00:00:00.300",
            ["CHORDKVS_NODE__RING__FIXFINGERSINTERVAL"] = "00:00:01",
            ["CHORDKVS_JOINRETRYINITIALDELAY"] = "00:00:00.200",
            ["CHORDKVS_LOGGING__LOGLEVEL__DEFAULT"] = "Warning",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }
}
