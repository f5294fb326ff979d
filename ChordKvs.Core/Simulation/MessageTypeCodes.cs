namespace ChordKvs.Core.Simulation;

/// <summary>
/// Stable 64-bit codes for message types, for the trace hash: FNV-1a over the type's full name, computed
/// once per type and then looked up.
/// </summary>
/// <remarks>
/// The name is <see cref="Type.ToString"/>, which is the namespace-qualified name without assembly
/// versions, so the code does not change when an assembly is rebuilt or the runtime is upgraded. The cache
/// belongs to one network; Core keeps no static mutable state.
/// </remarks>
internal sealed class MessageTypeCodes
{
    private readonly Dictionary<Type, ulong> codes = [];

    public ulong Of(Type type)
    {
        if (!codes.TryGetValue(type, out var code))
        {
            code = Fnv1a64.Fold(Fnv1a64.OffsetBasis, type.ToString());
            codes.Add(type, code);
        }

        return code;
    }
}
