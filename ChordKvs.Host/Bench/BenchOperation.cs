namespace ChordKvs.Host.Bench;

/// <summary>A request the load generator sends.</summary>
internal enum BenchOperation
{
    /// <summary><c>GET /kv/{key}</c>.</summary>
    Get,

    /// <summary><c>PUT /kv/{key}</c> with a JSON value.</summary>
    Put,

    /// <summary><c>DELETE /kv/{key}</c>.</summary>
    Delete,
}
