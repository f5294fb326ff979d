using System.Text;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;

namespace ChordKvs.Host.Bench;

/// <summary>
/// Measures what a <see cref="VersionedStore"/> costs per key beyond the key's and the value's own bytes: the
/// managed heap after a full collection, before and after filling a store the way a node fills it.
/// </summary>
internal static class StoreMemoryMeasurement
{
    /// <summary>Fills a fresh store with <paramref name="keys"/> live entries of <paramref name="valueSize"/> bytes and reports the growth.</summary>
    public static MemoryReport Measure(int keys, int valueSize)
    {
        var value = LoadGenerator.ValueOfSize(valueSize);
        var writer = NodeId.ForKey("memory-measurement");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = new VersionedStore();
        long keyBytes = 0;
        for (var index = 0; index < keys; index++)
        {
            var key = BenchOptions.KeyOf(index);
            keyBytes += Encoding.UTF8.GetByteCount(key);

            // Every entry owns its value array, as entries that arrive over the wire do.
            var version = new EntryVersion(new HybridTimestamp(1_000_000 + index, 0), writer);
            store.Apply(StoredEntry.Live(key, (byte[])value.Clone(), version));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(store);
        var valueBytes = (long)value.Length * keys;
        var heap = after - before;
        return new MemoryReport(keys, keyBytes, valueBytes, heap, (heap - keyBytes - valueBytes) / (double)keys);
    }
}
