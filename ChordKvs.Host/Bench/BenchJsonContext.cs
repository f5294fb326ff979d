using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChordKvs.Host.Bench;

/// <summary>Source-generated JSON for the reports <c>chordkvs bench --json</c> writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(MemoryReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
