namespace ChordKvs.Core.Ring;

/// <summary>A lookup could not find the node responsible for an identifier.</summary>
public class LookupFailedException : Exception
{
    /// <summary>Creates the exception for the identifier and the reason the lookup stopped.</summary>
    public LookupFailedException(NodeId target, string reason, int hops, int timeouts)
        : base($"Lookup of {target} failed after {hops} hop(s) and {timeouts} timeout(s): {reason}.")
    {
        Target = target;
        Hops = hops;
        Timeouts = timeouts;
    }

    /// <summary>The identifier that was being resolved.</summary>
    public NodeId Target { get; }

    /// <summary>How many nodes answered before the lookup stopped.</summary>
    public int Hops { get; }

    /// <summary>How many contacted nodes did not answer.</summary>
    public int Timeouts { get; }
}

/// <summary>A lookup ran past its deadline (<see cref="ChordOptions.LookupTimeout"/>).</summary>
public sealed class LookupTimeoutException : LookupFailedException
{
    /// <summary>Creates the exception for the identifier and the deadline that passed.</summary>
    public LookupTimeoutException(NodeId target, TimeSpan deadline, int hops, int timeouts)
        : base(target, $"the deadline of {deadline.TotalSeconds:0.###} s passed", hops, timeouts)
    {
    }
}
