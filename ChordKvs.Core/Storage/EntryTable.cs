using ChordKvs.Core.Ring;

namespace ChordKvs.Core.Storage;

/// <summary>
/// One bucket of a <see cref="VersionedStore"/>: an open-addressing hash table (linear probing) of entries,
/// found by key identifier and key. Not thread-safe; the store locks it.
/// </summary>
/// <remarks>
/// <para>
/// A slot is just a reference to the entry (8 bytes), because the entry already carries its key and key
/// identifier; a <see cref="Dictionary{TKey, TValue}"/> would add a 24-byte entry plus a 4-byte bucket per
/// key, which matters at a million keys per node.
/// </para>
/// <para>
/// The home slot comes from the key identifier (a SHA-1 prefix, already uniform) by Fibonacci hashing, so no
/// string is hashed again. Entries are only ever removed in batches (a ring range, or expired tombstones),
/// which rebuild the table; single deletions, and the tombstones that linear probing would need for them,
/// never happen.
/// </para>
/// </remarks>
internal sealed class EntryTable
{
    private const int MinimumCapacity = 8;
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15;

    private StoredEntry?[] _slots;
    private int _shift;

    public EntryTable() => (_slots, _shift) = Allocate(MinimumCapacity);

    /// <summary>How many entries the table holds.</summary>
    public int Count { get; private set; }

    /// <summary>How many of those entries are tombstones.</summary>
    public int TombstoneCount { get; private set; }

    /// <summary>How many of those entries are live values with an expiry.</summary>
    public int ExpiringCount { get; private set; }

    /// <summary>All slots, empty ones as null, in no meaningful order.</summary>
    public ReadOnlySpan<StoredEntry?> Slots => _slots;

    /// <summary>The slot holding the entry for <paramref name="key"/>, or the empty slot where it belongs.</summary>
    public int FindSlot(NodeId keyId, string key)
    {
        var mask = _slots.Length - 1;
        for (var slot = HomeSlot(keyId); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry is null || (entry.KeyId == keyId && string.Equals(entry.Key, key, StringComparison.Ordinal)))
            {
                return slot;
            }
        }
    }

    /// <summary>The entry in <paramref name="slot"/>, or null when it is empty.</summary>
    public StoredEntry? At(int slot) => _slots[slot];

    /// <summary>Puts a new key's entry into the empty slot <see cref="FindSlot"/> returned for it.</summary>
    public void InsertAt(int slot, StoredEntry entry)
    {
        _slots[slot] = entry;
        Count++;
        Tally(entry, 1);

        // Growing after the insert keeps at least a quarter of the slots empty, so every probe ends.
        if (Count > MaxCountFor(_slots.Length))
        {
            Rebuild(_slots.Length * 2);
        }
    }

    /// <summary>Replaces the entry in the occupied <paramref name="slot"/> with another state of the same key.</summary>
    public void ReplaceAt(int slot, StoredEntry entry)
    {
        Tally(_slots[slot]!, -1);
        Tally(entry, 1);
        _slots[slot] = entry;
    }

    /// <summary>Removes every entry that <paramref name="match"/> selects, appending each to <paramref name="removed"/>.</summary>
    /// <returns>How many entries were removed.</returns>
    public int RemoveWhere(Func<StoredEntry, bool> match, List<StoredEntry> removed)
    {
        var count = 0;
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { } entry && match(entry))
            {
                removed.Add(entry);
                _slots[slot] = null;
                count++;
            }
        }

        if (count == 0)
        {
            return 0;
        }

        // Emptied slots break probe chains, so the survivors are placed afresh, in a table sized for them.
        var capacity = MinimumCapacity;
        while (Count - count > MaxCountFor(capacity))
        {
            capacity *= 2;
        }

        Rebuild(capacity);
        return count;
    }

    private static int MaxCountFor(int capacity) => capacity / 4 * 3;

    private static (StoredEntry?[] Slots, int Shift) Allocate(int capacity) =>
        (new StoredEntry?[capacity], 64 - int.Log2(capacity));

    private int HomeSlot(NodeId keyId) => (int)((keyId.Value * FibonacciMultiplier) >> _shift);

    private void Rebuild(int capacity)
    {
        var old = _slots;
        (_slots, _shift) = Allocate(capacity);
        Count = 0;
        TombstoneCount = 0;
        ExpiringCount = 0;
        foreach (var entry in old)
        {
            if (entry is not null)
            {
                Place(entry);
            }
        }
    }

    // Adds an entry known to be absent and known to fit, without checking for growth.
    private void Place(StoredEntry entry)
    {
        var mask = _slots.Length - 1;
        var slot = HomeSlot(entry.KeyId);
        while (_slots[slot] is not null)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = entry;
        Count++;
        Tally(entry, 1);
    }

    // Keeps the per-kind counts as an entry enters (+1) or leaves (-1) the table.
    private void Tally(StoredEntry entry, int change)
    {
        TombstoneCount += entry.IsTombstone ? change : 0;
        ExpiringCount += entry.ExpiresAt is null ? 0 : change;
    }
}
