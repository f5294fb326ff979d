namespace ChordKvs.Tests.EndToEnd;

/// <summary>A way a key's observed state contradicts what the clients were told.</summary>
internal enum HistoryAnomalyKind
{
    /// <summary>An acknowledged put was overwritten by an earlier write, or its key is absent although no later delete was attempted.</summary>
    LostWrite,

    /// <summary>An acknowledged delete was undone: a value written before it came back.</summary>
    ResurrectedDelete,

    /// <summary>A read returned a value no client had tried to write to that key by then.</summary>
    InventedValue,

    /// <summary>
    /// Only a delete answered 404 ("no value to delete") explains the key's state: the delete took effect although
    /// its answer said there was nothing to delete. Reported, not failed: a later-attempted write may explain a
    /// final state, whatever its answer said.
    /// </summary>
    DeleteAnswered404TookEffect,
}
