using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// A handful of concurrent clients putting, overwriting, deleting and reading a fixed set of keys through random
/// live nodes over the REST API, recording every operation. Each client has its own seeded random source.
/// </summary>
internal sealed class ClientWorkload(HttpClient http, Func<IReadOnlyList<string>> liveUrls, IReadOnlyList<string> keys, int seed)
{
    // A short pause between a client's operations leaves the two cores of a CI machine to the nodes, so that
    // overload does not turn most operations into timeouts; it paces load and waits for nothing.
    private static readonly TimeSpan PauseBetweenOperations = TimeSpan.FromMilliseconds(15);

    private readonly ConcurrentQueue<ClientOperation> operations = new();

    /// <summary>Everything the clients did, in no particular order.</summary>
    public IReadOnlyCollection<ClientOperation> Operations => operations;

    /// <summary>Runs <paramref name="clients"/> clients until <paramref name="cancellationToken"/> is cancelled; each finishes its operation in flight.</summary>
    public Task RunAsync(int clients, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(1, clients).Select(client => RunClientAsync(client, new Random(HashCode.Combine(seed, client)), cancellationToken)));

    private async Task RunClientAsync(int client, Random random, CancellationToken cancellationToken)
    {
        var sequence = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var live = liveUrls();
            if (live.Count > 0)
            {
                var node = live[random.Next(live.Count)];
                var key = keys[random.Next(keys.Count)];
                var roll = random.Next(100);
                var operation = roll < 45 ? await PutAsync(client, node, key, ++sequence)
                    : roll < 60 ? await SendAsync(client, OperationKind.Delete, node, key, value: null)
                    : await SendAsync(client, OperationKind.Get, node, key, value: null);
                operations.Enqueue(operation);
            }

            try
            {
                await Task.Delay(PauseBetweenOperations, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task<ClientOperation> PutAsync(int client, string node, string key, int sequence) =>
        SendAsync(client, OperationKind.Put, node, key, string.Create(CultureInfo.InvariantCulture, $"{{\"client\":{client},\"sequence\":{sequence}}}"));

    private async Task<ClientOperation> SendAsync(int client, OperationKind kind, string node, string key, string? value)
    {
        var uri = new Uri($"{node}/kv/{Uri.EscapeDataString(key)}");
        using var request = new HttpRequestMessage(kind switch { OperationKind.Put => HttpMethod.Put, OperationKind.Delete => HttpMethod.Delete, _ => HttpMethod.Get }, uri);
        if (value is not null)
        {
            request.Content = new StringContent(value, Encoding.UTF8, "application/json");
        }

        var invoked = Stopwatch.GetTimestamp();
        try
        {
            // Not tied to the workload's cancellation: an operation in flight is finished and recorded.
            using var response = await http.SendAsync(request, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var completed = Stopwatch.GetTimestamp();
            var status = (int)response.StatusCode;
            var recorded = kind == OperationKind.Get ? (response.StatusCode == HttpStatusCode.OK ? body : null) : value;
            return new ClientOperation(client, kind, key, node, recorded, invoked, completed, status, status >= 500 ? body : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new ClientOperation(client, kind, key, node, kind == OperationKind.Put ? value : null, invoked, Stopwatch.GetTimestamp(), 0, ex.Message);
        }
    }
}
