namespace ChordKvs.Core.Simulation;

/// <summary>
/// The behaviour of a <see cref="SimulatedNetwork"/>. The network reads these values at every message, so
/// they may be changed while a simulation runs (for example to switch loss on and off).
/// </summary>
public sealed class SimulatedNetworkOptions
{
    private TimeSpan minLatency = TimeSpan.FromMilliseconds(1);
    private TimeSpan maxLatency = TimeSpan.FromMilliseconds(10);
    private double lossRate;
    private TimeSpan requestTimeout = TimeSpan.FromMilliseconds(500);
    private int traceCapacity;

    /// <summary>
    /// The shortest one-way delay of a message. Default: 1 ms. Each message's delay is drawn uniformly
    /// (to the 100 ns tick) from [<see cref="MinLatency"/>, <see cref="MaxLatency"/>]; sending a message with
    /// <see cref="MaxLatency"/> below <see cref="MinLatency"/> fails with <see cref="InvalidOperationException"/>.
    /// </summary>
    public TimeSpan MinLatency
    {
        get => minLatency;
        set => minLatency = NonNegative(value, nameof(MinLatency));
    }

    /// <summary>The longest one-way delay of a message. Default: 10 ms. See <see cref="MinLatency"/>.</summary>
    public TimeSpan MaxLatency
    {
        get => maxLatency;
        set => maxLatency = NonNegative(value, nameof(MaxLatency));
    }

    /// <summary>
    /// The probability, from 0 to 1, that a one-way message (request or reply) is lost. Default: 0, no loss.
    /// </summary>
    public double LossRate
    {
        get => lossRate;
        set
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(LossRate), value, "The loss rate is a probability between 0 and 1.");
            }

            lossRate = value;
        }
    }

    /// <summary>
    /// How long a sender waits, from the moment it sends a request, for the reply before the call fails with
    /// <see cref="Transport.NodeUnreachableException"/>. Default: 500 ms. <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits forever.
    /// </summary>
    public TimeSpan RequestTimeout
    {
        get => requestTimeout;
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(RequestTimeout), value, "The request timeout must be positive or Timeout.InfiniteTimeSpan.");
            }

            requestTimeout = value;
        }
    }

    /// <summary>
    /// How many readable lines <see cref="SimulatedNetwork.Trace"/> keeps: the first N message events, for
    /// debugging. Default: 0, which keeps none and formats no text (the trace hash is kept regardless).
    /// </summary>
    public int TraceCapacity
    {
        get => traceCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(TraceCapacity));
            traceCapacity = value;
        }
    }

    private static TimeSpan NonNegative(TimeSpan value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
        return value;
    }
}
