namespace ChordKvs.Host.Bench;

/// <summary>The share of each operation in the load, in percent; the three add up to 100.</summary>
/// <param name="GetPercent">Share of <c>GET /kv/{key}</c>.</param>
/// <param name="PutPercent">Share of <c>PUT /kv/{key}</c>.</param>
/// <param name="DeletePercent">Share of <c>DELETE /kv/{key}</c>.</param>
internal readonly record struct OperationMix(int GetPercent, int PutPercent, int DeletePercent)
{
    /// <summary>The default: nine reads to one write.</summary>
    public static OperationMix Default => new(90, 10, 0);

    /// <summary>The operation whose share contains <paramref name="roll"/>, a number from 0 to 99.</summary>
    public BenchOperation Pick(int roll) =>
        roll < GetPercent ? BenchOperation.Get : roll < GetPercent + PutPercent ? BenchOperation.Put : BenchOperation.Delete;

    /// <inheritdoc />
    public override string ToString() =>
        DeletePercent == 0 ? $"get={GetPercent},put={PutPercent}" : $"get={GetPercent},put={PutPercent},delete={DeletePercent}";
}
