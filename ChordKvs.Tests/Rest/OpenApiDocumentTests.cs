using System.Net;
using System.Text;
using System.Text.Json;
using ChordKvs.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Tests.Rest;

/// <summary>
/// <c>/openapi/v1.json</c> describes exactly the client API a node serves: every client endpoint is in it, nothing
/// else is, and sample requests come back with the status codes, content types and headers it documents.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private SingleNodes nodes = null!;
    private WebApplication node = null!;
    private JsonElement document;

    [OneTimeSetUp]
    public async Task StartNodeAndFetchTheDocumentAsync()
    {
        nodes = new SingleNodes();
        // A small value limit, so that an oversized body fits the socket buffers while the node answers 413.
        node = await nodes.StartAsync(new Dictionary<string, string?> { ["Node:Limits:MaxValueBytes"] = "1024" });
        await SingleNodes.Service(node).Joined.WaitAsync(TimeSpan.FromSeconds(20));
        using var response = await nodes.Client.GetAsync(new Uri(SingleNodes.Url(node) + "/openapi/v1.json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the node serves its OpenAPI document");
        using var parsed = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        document = parsed.RootElement.Clone();
    }

    [OneTimeTearDown]
    public async Task StopNodeAsync() => await nodes.DisposeAsync();

    private IEnumerable<(string Path, string Method)> DocumentedOperations() =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(member => member.Name is "get" or "put" or "delete" or "post" or "patch" or "head" or "options")
            .Select(method => (path.Name, method.Name.ToUpperInvariant())));

    private JsonElement Operation(string path, string method) => document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());

    [Test]
    public void Every_client_endpoint_is_documented_and_nothing_else_is()
    {
        var served = node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText is { } route && (route.StartsWith("/kv", StringComparison.Ordinal) || route.StartsWith("/cluster", StringComparison.Ordinal)))
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(method => (Path: endpoint.RoutePattern.RawText!.Replace("{**key}", "{key}", StringComparison.Ordinal).TrimEnd('/'), Method: method)))
            .ToHashSet();

        Assert.That(served, Is.EquivalentTo(new[] { ("/kv/{key}", "GET"), ("/kv/{key}", "PUT"), ("/kv/{key}", "DELETE"), ("/cluster", "GET"), ("/cluster/nodes", "GET") }), "the client endpoints the node maps");
        Assert.That(DocumentedOperations().ToHashSet(), Is.EquivalentTo(served), "the document lists exactly the client endpoints: none missing, no internal or other endpoint");
    }

    [TestCase("/kv/{key}", "GET", new[] { "key", "r", "If-None-Match" })]
    [TestCase("/kv/{key}", "PUT", new[] { "key", "w", "ttl", "If-Match", "If-None-Match" })]
    [TestCase("/kv/{key}", "DELETE", new[] { "key", "w", "If-Match" })]
    public void The_parameters_the_endpoints_read_are_documented(string path, string method, string[] expected)
    {
        var parameters = Operation(path, method).GetProperty("parameters").EnumerateArray().Select(parameter => parameter.GetProperty("name").GetString()).ToList();

        Assert.That(parameters, Is.EquivalentTo(expected), $"{method} {path} documents every path, query and header parameter it reads");
    }

    [Test]
    public async Task Sample_requests_answer_as_documented()
    {
        var url = SingleNodes.Url(node);
        var samples = new (string Path, string Method, string Target, Action<HttpRequestMessage>? Adjust, string? Body, HttpStatusCode Expected)[]
        {
            ("/kv/{key}", "PUT", "/kv/openapi/sample?w=1&ttl=3600", null, """{"a":1}""", HttpStatusCode.Created),
            ("/kv/{key}", "PUT", "/kv/openapi/sample", null, """{"a":2}""", HttpStatusCode.NoContent),
            ("/kv/{key}", "PUT", "/kv/openapi/sample", request => request.Headers.TryAddWithoutValidation("If-None-Match", "*"), "3", HttpStatusCode.PreconditionFailed),
            ("/kv/{key}", "PUT", "/kv/openapi/sample?ttl=0", null, "3", HttpStatusCode.BadRequest),
            ("/kv/{key}", "PUT", "/kv/openapi/sample", null, "\"" + new string('x', 2048) + "\"", HttpStatusCode.RequestEntityTooLarge),
            ("/kv/{key}", "GET", "/kv/openapi/sample?r=1", null, null, HttpStatusCode.OK),
            ("/kv/{key}", "GET", "/kv/openapi/sample", request => request.Headers.TryAddWithoutValidation("If-None-Match", "*"), null, HttpStatusCode.NotModified),
            ("/kv/{key}", "GET", "/kv/openapi/sample?r=9", null, null, HttpStatusCode.BadRequest),
            ("/kv/{key}", "DELETE", "/kv/openapi/sample", request => request.Headers.TryAddWithoutValidation("If-Match", "W/\"weak\""), null, HttpStatusCode.PreconditionFailed),
            ("/kv/{key}", "DELETE", "/kv/openapi/sample?w=1", null, null, HttpStatusCode.NoContent),
            ("/kv/{key}", "DELETE", "/kv/openapi/sample", null, null, HttpStatusCode.NotFound),
            ("/kv/{key}", "GET", "/kv/openapi/sample", null, null, HttpStatusCode.NotFound),
            ("/cluster", "GET", "/cluster", null, null, HttpStatusCode.OK),
            ("/cluster/nodes", "GET", "/cluster/nodes", null, null, HttpStatusCode.OK),
        };

        Assert.That(samples.Select(sample => (sample.Path, sample.Method)).ToHashSet(), Is.EquivalentTo(DocumentedOperations().ToHashSet()), "the samples cover every documented operation");
        foreach (var (path, method, target, adjust, body, expected) in samples)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url + target)
            {
                Content = body is null ? null : new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
            };
            adjust?.Invoke(request);
            using var response = await nodes.Client.SendAsync(request);
            var what = $"{method} {target}";
            Assert.That(response.StatusCode, Is.EqualTo(expected), $"{what}: {await response.Content.ReadAsStringAsync()}");

            var responses = Operation(path, method).GetProperty("responses");
            Assert.That(responses.TryGetProperty(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture), out var documented), Is.True, $"{what}: status {(int)expected} is documented for {method} {path}");
            if (documented.TryGetProperty("content", out var content))
            {
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                Assert.That(content.EnumerateObject().Select(type => type.Name), Does.Contain(mediaType), $"{what}: the answer's content type is the documented one");
            }
            else
            {
                Assert.That(response.Content.Headers.ContentLength ?? 0, Is.Zero, $"{what}: an answer documented without content has none");
            }

            if (documented.TryGetProperty("headers", out var headers))
            {
                foreach (var header in headers.EnumerateObject().Where(header => header.Name != "ETag" || expected != HttpStatusCode.PreconditionFailed))
                {
                    Assert.That(response.Headers.Contains(header.Name) || response.Content.Headers.Contains(header.Name), Is.True, $"{what}: the documented {header.Name} header is sent");
                }
            }

            var query = new Uri(url + target).Query.TrimStart('?');
            var documentedParameters = Operation(path, method).TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Select(parameter => parameter.GetProperty("name").GetString()).ToHashSet()
                : [];
            foreach (var name in query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=')[0]))
            {
                Assert.That(documentedParameters, Does.Contain(name), $"{what}: the query parameter {name} is documented");
            }
        }
    }

    [Test]
    public void Every_error_answer_is_documented_as_problem_json()
    {
        foreach (var (path, method) in DocumentedOperations())
        {
            foreach (var response in Operation(path, method).GetProperty("responses").EnumerateObject().Where(response => response.Name[0] is '4' or '5'))
            {
                Assert.That(response.Value.GetProperty("content").EnumerateObject().Select(type => type.Name), Is.EqualTo(new[] { "application/problem+json" }),
                    $"{method} {path} {response.Name} is documented as problem details");
            }
        }
    }
}
