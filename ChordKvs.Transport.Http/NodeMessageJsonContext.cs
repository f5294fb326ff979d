using System.Text.Json;
using System.Text.Json.Serialization;
using ChordKvs.Core.Transport;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Source-generated JSON metadata for every message nodes exchange, with the web defaults (camelCase names).
/// </summary>
/// <remarks>
/// Only the two polymorphic base types are listed: the generator follows their
/// <see cref="JsonDerivedTypeAttribute"/> lists, so a message added to <see cref="NodeRequest"/> or
/// <see cref="NodeReply"/> is carried without any change here. Each message travels as one JSON object whose
/// first property, <c>$type</c>, names the concrete record.
/// <para>
/// Metadata mode, not the default fast path: the fast path of the .NET 10 generator writes a null
/// <c>byte[]</c> as <c>""</c> (dotnet/runtime#129833), which would turn a tombstone (a
/// <see cref="Core.Storage.StoredEntry"/> whose value is null) into an empty live value on the wire, and a
/// result without a value into one with an empty value. Metadata mode serialises through the built-in
/// converters, which write <c>null</c>.
/// </para>
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(NodeRequest))]
[JsonSerializable(typeof(NodeReply))]
public sealed partial class NodeMessageJsonContext : JsonSerializerContext;
