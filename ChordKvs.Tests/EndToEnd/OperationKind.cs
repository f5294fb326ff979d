namespace ChordKvs.Tests.EndToEnd;

/// <summary>What a client asked of the store.</summary>
internal enum OperationKind
{
    /// <summary>PUT /kv/{key} with a value no other operation writes.</summary>
    Put,

    /// <summary>DELETE /kv/{key}.</summary>
    Delete,

    /// <summary>GET /kv/{key}.</summary>
    Get,
}
