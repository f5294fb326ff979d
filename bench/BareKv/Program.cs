// The baseline of bench/compare.sh: Kestrel's minimal API over a ConcurrentDictionary, serving PUT and GET
// /kv/{key} like a ChordKvs node but with no ring, no replication, no versions and no validation. It shows what
// the HTTP stack alone costs on this machine, so ChordKvs's figures can be read as ratios against it.
// Usage: BareKv [--urls http://127.0.0.1:7100]
using System.Collections.Concurrent;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var store = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);

app.MapGet("/kv/{key}", (string key) =>
    store.TryGetValue(key, out var value) ? Results.Bytes(value, "application/json") : Results.NotFound());

app.MapPut("/kv/{key}", async (string key, HttpRequest request) =>
{
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer);
    var value = buffer.ToArray();
    if (store.TryAdd(key, value))
    {
        return Results.Created();
    }

    store[key] = value;
    return Results.NoContent();
});

app.Run();
