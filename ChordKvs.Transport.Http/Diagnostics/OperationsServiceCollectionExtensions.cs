using System.Diagnostics.Metrics;
using ChordKvs.Core.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChordKvs.Transport.Http.Diagnostics;

/// <summary>Registers what <c>MapChordKvsOperations</c> serves: the node's metrics, their aggregator and the readiness check.</summary>
internal static class OperationsServiceCollectionExtensions
{
    public static IServiceCollection AddChordKvsOperations(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(static provider => new ChordKvsMetrics(provider.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(static provider => new MeterAggregator(provider.GetRequiredService<ChordKvsMetrics>().Meter));
        services.AddHealthChecks().AddCheck<RingReadinessCheck>("ring", tags: [ChordKvsOperationsEndpointRouteBuilderExtensions.ReadinessTag]);
        return services;
    }
}
