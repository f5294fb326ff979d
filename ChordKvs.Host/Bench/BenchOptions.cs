namespace ChordKvs.Host.Bench;

/// <summary>What <c>chordkvs bench</c> does, as read from its command line.</summary>
/// <param name="Targets">Base URLs of the nodes to load; connections are spread evenly over them. Empty in memory mode.</param>
/// <param name="Duration">How long the measured part of the run lasts.</param>
/// <param name="Warmup">How long the load runs before measuring starts, so that connections, JIT and caches are warm.</param>
/// <param name="Connections">Connections (and concurrent requests) in all.</param>
/// <param name="Keys">How many distinct keys the load uses; each is written once before the run.</param>
/// <param name="ValueSize">Bytes of each JSON value written.</param>
/// <param name="Mix">The share of each operation.</param>
/// <param name="Zipf">The Zipf exponent of key popularity, or null for uniformly chosen keys.</param>
/// <param name="JsonPath">Where to write the report as JSON as well, or null.</param>
/// <param name="Memory">Measure the store's bytes per key in this process instead of loading a cluster.</param>
/// <param name="Seed">Seed of the key and operation choices, so that two runs send the same requests.</param>
internal sealed record BenchOptions(
    IReadOnlyList<Uri> Targets,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Connections,
    int Keys,
    int ValueSize,
    OperationMix Mix,
    double? Zipf,
    string? JsonPath,
    bool Memory,
    int Seed)
{
    /// <summary>The default measured duration.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);

    /// <summary>The default warm-up.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(2);

    /// <summary>The default number of connections.</summary>
    public const int DefaultConnections = 64;

    /// <summary>The default number of keys when loading a cluster.</summary>
    public const int DefaultKeys = 10_000;

    /// <summary>The default number of keys in memory mode.</summary>
    public const int DefaultMemoryKeys = 1_000_000;

    /// <summary>The default value size in bytes.</summary>
    public const int DefaultValueSize = 64;

    /// <summary>The smallest value the generator can write: <c>{"v":""}</c>.</summary>
    public const int MinValueSize = 8;

    /// <summary>The key the generator uses for index <paramref name="index"/>.</summary>
    public static string KeyOf(int index) => "key" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
