using System.Collections.Immutable;

namespace ChordKvs.Tests.Chaos;

/// <summary>Draws a random fault schedule from a seed, keeping it inside the failure model of <see cref="ChaosSettings"/>.</summary>
public static class ChaosScheduleGenerator
{
    /// <summary>The address of the node the cluster creates as its <paramref name="index"/>-th.</summary>
    public static string Address(int index) => $"sim://kv-{index}";

    /// <summary>The schedule for <paramref name="seed"/>, in time order.</summary>
    public static ImmutableArray<ChaosFault> Generate(int seed, ChaosSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var random = new Random(unchecked((seed * 7919) + 17));
        var up = Enumerable.Range(0, settings.InitialNodes).Select(Address).ToList();
        var crashed = new List<string>();
        var nextAddress = settings.InitialNodes;
        var lastLoss = -settings.LossSpacing;
        var partitionEnds = TimeSpan.Zero;
        var count = random.Next(settings.MinFaults, settings.MaxFaults + 1);
        var times = Enumerable.Range(0, count)
            .Select(_ => TimeSpan.FromMilliseconds(random.Next(1_000, (int)settings.FaultPhase.TotalMilliseconds - 5_000)))
            .Order()
            .ToList();

        var faults = ImmutableArray.CreateBuilder<ChaosFault>();
        foreach (var at in times)
        {
            var kind = (FaultKind)random.Next(Enum.GetValues<FaultKind>().Length);
            var canLose = up.Count > settings.MinLiveNodes && at - lastLoss >= settings.LossSpacing;
            if (kind is FaultKind.Crash or FaultKind.Leave && !canLose)
            {
                kind = FaultKind.Loss;
            }

            if (kind == FaultKind.Restart && crashed.Count == 0)
            {
                kind = FaultKind.Join;
            }

            if (kind == FaultKind.Partition && at < partitionEnds)
            {
                kind = FaultKind.Delay;
            }

            var duration = TimeSpan.FromMilliseconds(random.Next(1_000, 8_000));
            switch (kind)
            {
                case FaultKind.Crash:
                case FaultKind.Leave:
                    var victim = up[random.Next(up.Count)];
                    up.Remove(victim);
                    if (kind == FaultKind.Crash)
                    {
                        crashed.Add(victim);
                    }

                    lastLoss = at;
                    faults.Add(new ChaosFault(at, kind, [victim]));
                    break;
                case FaultKind.Restart:
                    var back = crashed[random.Next(crashed.Count)];
                    crashed.Remove(back);
                    up.Add(back);
                    faults.Add(new ChaosFault(at, kind, [back]));
                    break;
                case FaultKind.Join:
                    var joiner = Address(nextAddress++);
                    up.Add(joiner);
                    faults.Add(new ChaosFault(at, kind, [joiner]));
                    break;
                case FaultKind.Partition:
                    // A minority side of one or more nodes; every other node, and any that joins meanwhile, is the other side.
                    var side = up.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Max(2, up.Count / 2))).Order(StringComparer.Ordinal).ToImmutableArray();
                    partitionEnds = at + duration;
                    faults.Add(new ChaosFault(at, kind, side, duration));
                    break;
                case FaultKind.Loss:
                    faults.Add(new ChaosFault(at, kind, [], duration, Rate: Math.Round(0.02 + (random.NextDouble() * 0.18), 3)));
                    break;
                case FaultKind.Delay:
                    faults.Add(new ChaosFault(at, kind, [], duration, Latency: TimeSpan.FromMilliseconds(random.Next(30, 300))));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown fault kind {kind}.");
            }
        }

        return faults.ToImmutable();
    }
}
