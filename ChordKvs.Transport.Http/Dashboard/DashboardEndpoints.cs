using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChordKvs.Transport.Http.Dashboard;

/// <summary>
/// The dashboard: <c>GET /</c> is a page that draws the ring as this node sees it and refreshes itself from
/// <c>/cluster</c> and <c>/cluster/nodes</c>; its script and style sheet are served from <c>/dashboard/</c>.
/// Everything is embedded in this assembly, so the page works without any other server.
/// </summary>
internal sealed class DashboardEndpoints
{
    /// <summary>The path of the dashboard's assets.</summary>
    public const string AssetPrefix = "/dashboard";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, byte[]> assets = ContentTypes.Keys.ToFrozenDictionary(name => name, Load, StringComparer.Ordinal);

    /// <summary><c>GET /</c>: the dashboard page.</summary>
    public FileContentHttpResult Page(HttpContext context) => Serve(context, "index.html");

    /// <summary><c>GET /dashboard/{name}</c>: the page's script or style sheet; 404 for anything else.</summary>
    public Results<FileContentHttpResult, NotFound> Asset(HttpContext context, string name) =>
        assets.ContainsKey(name) ? Serve(context, name) : TypedResults.NotFound();

    private FileContentHttpResult Serve(HttpContext context, string name)
    {
        // Revalidated on every load, so that a node upgraded to a new version never serves an old script.
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(assets[name], ContentTypes[name]);
    }

    private static byte[] Load(string name)
    {
        var resource = $"ChordKvs.Dashboard.{name}";
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard asset {resource} is missing from {typeof(DashboardEndpoints).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
