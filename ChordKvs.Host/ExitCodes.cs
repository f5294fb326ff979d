namespace ChordKvs.Host;

/// <summary>The exit codes of <c>chordkvs</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Ran and stopped normally.</summary>
    public const int Success = 0;

    /// <summary>Could not do its work: a port in use, a ring that did not form, a join that cannot succeed.</summary>
    public const int Failure = 1;

    /// <summary>The command line or settings are wrong; nothing was started.</summary>
    public const int Usage = 2;
}
