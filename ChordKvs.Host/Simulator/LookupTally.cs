using ChordKvs.Core.Simulation;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// Counts lookup outcomes against the oracle: hops and timeouts, failures of the raw lookup answer and of the
/// client's answer.
/// </summary>
internal sealed class LookupTally
{
    /// <summary>Hops of each lookup that returned an answer.</summary>
    public Distribution Hops { get; } = new();

    /// <summary>Dead nodes met by each lookup (lookup and client together), answered or not.</summary>
    public Distribution Timeouts { get; } = new();

    /// <summary>Lookups counted.</summary>
    public long Lookups { get; private set; }

    /// <summary>Lookups that threw or found no live node to answer: failed outright.</summary>
    public long Errors { get; private set; }

    /// <summary>Lookups whose raw answer (the first node the lookup returned) was not the live successor: a dead node or a wrong one.</summary>
    public long RawFailures { get; private set; }

    /// <summary>Lookups whose raw answer was a node that no longer runs.</summary>
    public long RawDead { get; private set; }

    /// <summary>Lookups whose client answer was not the live successor, errors included: the paper's failed lookups.</summary>
    public long Failures { get; private set; }

    /// <summary>Dead entries the client fell back over, summed.</summary>
    public long ClientTimeouts { get; private set; }

    /// <summary>Steps back to a predecessor the client took, summed.</summary>
    public long Redirects { get; private set; }

    /// <summary>Lookups continued past an answer whose nodes were all dead, summed.</summary>
    public long Continuations { get; private set; }

    /// <summary>The first few failures, described, for the report.</summary>
    public List<string> Examples { get; } = [];

    /// <summary>Failed lookups per 10,000.</summary>
    public double FailuresPer10000 => Lookups == 0 ? 0 : 10_000.0 * Failures / Lookups;

    /// <summary>Raw-answer failures per 10,000.</summary>
    public double RawFailuresPer10000 => Lookups == 0 ? 0 : 10_000.0 * RawFailures / Lookups;

    /// <summary>Counts one outcome against the truth at the moment the lookup ended.</summary>
    /// <param name="outcome">What the lookup did.</param>
    /// <param name="oracle">The live members when it ended.</param>
    /// <param name="isRunning">Whether a node still runs (for telling dead answers from wrong ones).</param>
    public void Add(LookupOutcome outcome, RingOracle oracle, Func<Core.Ring.NodeId, bool> isRunning)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(oracle);
        ArgumentNullException.ThrowIfNull(isRunning);
        Lookups++;
        Timeouts.Add(outcome.Timeouts);
        ClientTimeouts += outcome.ClientTimeouts;
        Redirects += outcome.Redirects;
        Continuations += outcome.Continuations;
        var truth = oracle.Successor(outcome.Target);
        if (outcome.Error is not null || outcome.RawAnswer is null)
        {
            Errors++;
            RawFailures++;
            Failures++;
            Remember($"lookup of {outcome.Target} failed after {outcome.Hops} hops and {outcome.Timeouts} timeouts: {outcome.Error}");
            return;
        }

        Hops.Add(outcome.Hops);
        if (outcome.RawAnswer.Id != truth.Id)
        {
            RawFailures++;
            if (!isRunning(outcome.RawAnswer.Id))
            {
                RawDead++;
            }
        }

        if (outcome.Answer?.Id != truth.Id)
        {
            Failures++;
            Remember($"lookup of {outcome.Target} answered {outcome.Answer?.ToString() ?? "nothing"} (raw {outcome.RawAnswer}), the live successor is {truth}");
        }
    }

    private void Remember(string failure)
    {
        if (Examples.Count < 5)
        {
            Examples.Add(failure);
        }
    }
}
