using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChordKvs.Core.Replication;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Source-generated JSON metadata for the bodies of the client API's <c>/cluster</c> answers, with the web
/// defaults (camelCase names) and enum members written as their names.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(List<NodeStatus>))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(RingDescription))]
public sealed partial class ClientApiJsonContext : JsonSerializerContext;
