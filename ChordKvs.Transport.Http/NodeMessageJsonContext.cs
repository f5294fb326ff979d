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
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NodeRequest))]
[JsonSerializable(typeof(NodeReply))]
public sealed partial class NodeMessageJsonContext : JsonSerializerContext;
