namespace ChordKvs.Tests.Chaos;

/// <summary>What kind of promise a chaos run found broken.</summary>
public enum ViolationKind
{
    /// <summary>An acknowledged write vanished: the key ended older, or absent.</summary>
    LostWrite,

    /// <summary>An acknowledged delete was undone by an older value.</summary>
    ResurrectedDelete,

    /// <summary>A read or the final state showed a value no client ever tried to write.</summary>
    InventedValue,

    /// <summary>After settling, the ring was not one correct cycle or a lookup disagreed with the oracle.</summary>
    Ring,

    /// <summary>After settling, a key lacked a replica on one of its N expected nodes, or they disagreed.</summary>
    Replication,
}

/// <summary>One broken promise found by a chaos run.</summary>
public sealed record ChaosViolation(ViolationKind Kind, string Key, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} on '{Key}': {Detail}";
}
