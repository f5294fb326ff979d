namespace ChordKvs.Core.Storage;

/// <summary>
/// Size limits on what clients may store. Bound from configuration like any options class; validators take a
/// snapshot when they are created.
/// </summary>
public sealed class StoreLimits
{
    /// <summary>The default <see cref="MaxKeyBytes"/>: 1 KiB.</summary>
    public const int DefaultMaxKeyBytes = 1024;

    /// <summary>The default <see cref="MaxValueBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>The default <see cref="MaxJsonDepth"/>: 64, the depth System.Text.Json itself reads by default.</summary>
    public const int DefaultMaxJsonDepth = 64;

    /// <summary>The longest key, in UTF-8 bytes. Default <see cref="DefaultMaxKeyBytes"/> (1024).</summary>
    public int MaxKeyBytes { get; set; } = DefaultMaxKeyBytes;

    /// <summary>The largest value, in UTF-8 bytes of JSON as sent. Default <see cref="DefaultMaxValueBytes"/> (1 048 576).</summary>
    public int MaxValueBytes { get; set; } = DefaultMaxValueBytes;

    /// <summary>
    /// The deepest nesting of arrays and objects in a value (<c>[]</c> has depth 1). Default
    /// <see cref="DefaultMaxJsonDepth"/> (64); bounds the stack any later reader of the value needs.
    /// </summary>
    public int MaxJsonDepth { get; set; } = DefaultMaxJsonDepth;

    /// <summary>
    /// The longest time to live a write may ask for. Default: 365 days. Expiry times are absolute, so a longer one
    /// would mostly measure how far the nodes' clocks may drift apart over the years, not what the client wants.
    /// </summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Throws when a limit is not a positive number, naming the setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxKeyBytes, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxValueBytes, nameof(MaxValueBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxJsonDepth, nameof(MaxJsonDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTimeToLive, TimeSpan.FromSeconds(1), nameof(MaxTimeToLive));
    }
}
