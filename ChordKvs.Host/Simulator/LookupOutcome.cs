using ChordKvs.Core.Ring;

namespace ChordKvs.Host.Simulator;

/// <summary>What one lookup of the simulator did and where it ended.</summary>
/// <param name="Target">The identifier looked up.</param>
/// <param name="Hops">Nodes that answered a step of the lookup itself (<see cref="LookupResult.Hops"/>, continuations and the step sent to the listed predecessor of a dead answer included).</param>
/// <param name="LookupTimeouts">Nodes the lookup itself contacted that did not answer (<see cref="LookupResult.Timeouts"/>, continuations included).</param>
/// <param name="ClientTimeouts">Dead nodes the client contacted after the lookup: entries of the answer it fell back over, and the node listed before a dead answer when it did not answer either.</param>
/// <param name="Redirects">Times the client moved from the answer to that node's predecessor because the predecessor owns the identifier.</param>
/// <param name="Continuations">Times every node an answer named was dead and the client looked up the identifier after the last of them.</param>
/// <param name="RawAnswer">The first node of the lookup's answer, or null when the lookup threw.</param>
/// <param name="Answer">The node the client settled on, or null when none answered.</param>
/// <param name="Error">Why the lookup failed, or null.</param>
internal sealed record LookupOutcome(NodeId Target, int Hops, int LookupTimeouts, int ClientTimeouts, int Redirects, int Continuations, NodeInfo? RawAnswer, NodeInfo? Answer, string? Error)
{
    /// <summary>Every dead node the lookup and the client ran into: the paper's "timeouts".</summary>
    public int Timeouts => LookupTimeouts + ClientTimeouts;
}
