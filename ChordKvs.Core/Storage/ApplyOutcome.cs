namespace ChordKvs.Core.Storage;

/// <summary>What <see cref="VersionedStore.Apply"/> did with an incoming entry.</summary>
public enum ApplyOutcome
{
    /// <summary>The key was not stored before; the incoming entry is now.</summary>
    Inserted,

    /// <summary>The incoming entry was newer than the stored one and replaced it.</summary>
    Replaced,

    /// <summary>The stored entry's version was newer or equal, so the incoming entry lost and was dropped.</summary>
    Ignored,
}
