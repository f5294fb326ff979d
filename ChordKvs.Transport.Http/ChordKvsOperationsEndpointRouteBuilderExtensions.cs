using ChordKvs.Core.Diagnostics;
using ChordKvs.Transport.Http.Dashboard;
using ChordKvs.Transport.Http.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoints operators use: the dashboard, metrics and health.</summary>
public static class ChordKvsOperationsEndpointRouteBuilderExtensions
{
    /// <summary>The tag of the health checks <c>/readyz</c> runs.</summary>
    internal const string ReadinessTag = "chordkvs-ready";

    /// <summary>
    /// Maps <c>GET /</c> (the dashboard, with its assets under <c>/dashboard/</c>), <c>GET /metrics</c> (the
    /// <see cref="ChordKvsMetrics.MeterName"/> meter in the Prometheus text format), <c>GET /healthz</c> (200 while
    /// the process serves requests) and <c>GET /readyz</c> (200 once the node has joined the ring and its
    /// neighbours agree with it, 503 before). <c>MapChordKvs</c> calls it; requires <c>AddChordKvs</c>.
    /// </summary>
    /// <returns>The route group of these endpoints, for conventions such as authorization.</returns>
    public static RouteGroupBuilder MapChordKvsOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Resolved now rather than at the first scrape, so that the listener counts from the start.
        var aggregator = endpoints.ServiceProvider.GetRequiredService<MeterAggregator>();
        var dashboard = new DashboardEndpoints();

        var operations = endpoints.MapGroup(string.Empty);
        operations.MapGet("/", dashboard.Page).WithName("ChordKvsDashboard").ExcludeFromDescription();
        operations.MapGet(DashboardEndpoints.AssetPrefix + "/{name}", dashboard.Asset).WithName("ChordKvsDashboardAsset").ExcludeFromDescription();
        operations.MapGet("/metrics", () => TypedResults.Text(PrometheusTextFormat.Write(aggregator.Collect()), PrometheusTextFormat.ContentType))
            .WithName("ChordKvsMetrics");
        operations.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            // Liveness runs no check: a process that answers at all is alive; restarting it would not fix a ring.
            Predicate = static _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        operations.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(ReadinessTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        return operations;
    }
}
