using System.Net;
using System.Text.Json;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>Assertions on HTTP answers whose failure messages show what came back.</summary>
internal static class ResponseAssert
{
    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public static async Task StatusAsync(HttpResponseMessage response, HttpStatusCode expected, string because)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{because}: expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} with body: {body}");
        }
    }

    /// <summary>Asserts an <c>application/problem+json</c> answer with the status, and returns its <c>title</c> and <c>detail</c>.</summary>
    public static async Task<(string Title, string Detail)> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string because)
    {
        await StatusAsync(response, expected, because);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), $"{because}: errors are RFC 9457 problem details");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        Assert.That(root.GetProperty("status").GetInt32(), Is.EqualTo((int)expected), $"{because}: the problem's status member");
        var title = root.TryGetProperty("title", out var t) ? t.GetString() ?? string.Empty : string.Empty;
        var detail = root.TryGetProperty("detail", out var d) ? d.GetString() ?? string.Empty : string.Empty;
        return (title, detail);
    }

    /// <summary>The ETag header, failing when there is none.</summary>
    public static string ETag(HttpResponseMessage response, string because)
    {
        var etag = response.Headers.ETag;
        Assert.That(etag, Is.Not.Null, $"{because}: the answer carries an ETag");
        Assert.That(etag!.IsWeak, Is.False, $"{because}: ChordKvs ETags are strong");
        return etag.Tag;
    }
}
