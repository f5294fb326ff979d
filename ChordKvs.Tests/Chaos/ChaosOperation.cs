namespace ChordKvs.Tests.Chaos;

/// <summary>What a client asked for.</summary>
public enum OperationKind
{
    /// <summary>A write of a value unique to this operation.</summary>
    Put,

    /// <summary>A delete.</summary>
    Delete,

    /// <summary>A read.</summary>
    Get,
}

/// <summary>What a client learnt about its operation.</summary>
public enum OperationOutcome
{
    /// <summary>No answer yet.</summary>
    Pending,

    /// <summary>The store acknowledged a write or delete, or answered a read.</summary>
    Acknowledged,

    /// <summary>
    /// The operation failed or timed out, or was a delete answered "not found": a write may or may not have taken
    /// effect, now or later.
    /// </summary>
    Unknown,
}

/// <summary>One client operation of a chaos run, with its invocation and completion in virtual time.</summary>
public sealed class ChaosOperation(int index, OperationKind kind, string key, string? value, TimeSpan invokedAt)
{
    /// <summary>The operation's place in invocation order.</summary>
    public int Index { get; } = index;

    /// <summary>What was asked for.</summary>
    public OperationKind Kind { get; } = kind;

    /// <summary>The key.</summary>
    public string Key { get; } = key;

    /// <summary>The JSON written by a put, unique to this operation.</summary>
    public string? Value { get; } = value;

    /// <summary>When the client sent it.</summary>
    public TimeSpan InvokedAt { get; } = invokedAt;

    /// <summary>When the client got its answer, or null if it never did.</summary>
    public TimeSpan? CompletedAt { get; set; }

    /// <summary>What the client learnt.</summary>
    public OperationOutcome Outcome { get; set; }

    /// <summary>For an acknowledged read: the value returned, or null for not found.</summary>
    public string? ReadValue { get; set; }

    /// <summary>Whether this is a put or delete that may have changed the key.</summary>
    public bool MayHaveWritten => Kind != OperationKind.Get;

    /// <inheritdoc />
    public override string ToString() =>
        $"#{Index} {Kind} {Key}{(Value is null ? string.Empty : "=" + Value)} [{InvokedAt.TotalMilliseconds:0.0}ms..{(CompletedAt is { } done ? done.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "ms" : "?")}] {Outcome}{(Kind == OperationKind.Get && Outcome == OperationOutcome.Acknowledged ? " -> " + (ReadValue ?? "absent") : string.Empty)}";
}
