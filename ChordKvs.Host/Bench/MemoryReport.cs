using System.Globalization;

namespace ChordKvs.Host.Bench;

/// <summary>What <c>chordkvs bench --memory</c> measured: the store's own cost per key.</summary>
/// <param name="Keys">Keys stored.</param>
/// <param name="KeyBytes">Bytes of the keys as UTF-8, in all.</param>
/// <param name="ValueBytes">Bytes of the values, in all.</param>
/// <param name="HeapBytes">Growth of the managed heap after a full collection, from the empty store to the full one.</param>
/// <param name="OverheadBytesPerKey">(heap growth − key bytes − value bytes) / keys: what the store adds per key.</param>
internal sealed record MemoryReport(int Keys, long KeyBytes, long ValueBytes, long HeapBytes, double OverheadBytesPerKey)
{
    /// <summary>The report as a line of text for a person.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{Keys} keys: heap grew by {HeapBytes} bytes for {KeyBytes} key bytes and {ValueBytes} value bytes: {OverheadBytesPerKey:0.0} bytes of overhead per key");
}
