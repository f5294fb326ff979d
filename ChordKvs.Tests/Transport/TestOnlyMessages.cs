using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChordKvs.Core.Transport;
using ChordKvs.Transport.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChordKvs.Tests.Transport;

/// <summary>
/// A non-idempotent request, which no production message is today, and the wire format that carries it beside
/// the production messages. Register <see cref="Serializer"/> on both the client and the server.
/// </summary>
internal static class TestOnlyMessages
{
    /// <summary>A request that must not be applied twice.</summary>
    public sealed record AppendRequest(string Text) : NodeRequest<AckReply>
    {
        public override bool IsIdempotent => false;
    }

    public static NodeMessageSerializer Serializer { get; } = CreateSerializer();

    /// <summary>Makes the HTTP transport registered on <paramref name="services"/> carry <see cref="AppendRequest"/>.</summary>
    public static void Register(IServiceCollection services) => services.AddSingleton(Serializer);

    private static NodeMessageSerializer CreateSerializer()
    {
        var withAppend = NodeMessageJsonContext.Default.WithAddedModifier(static info =>
        {
            if (info.Type == typeof(NodeRequest))
            {
                info.PolymorphismOptions!.DerivedTypes.Add(new JsonDerivedType(typeof(AppendRequest), "test-append"));
            }
        });
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(withAppend, new DefaultJsonTypeInfoResolver()),
        };
        return new NodeMessageSerializer(
            (JsonTypeInfo<NodeRequest>)options.GetTypeInfo(typeof(NodeRequest)),
            (JsonTypeInfo<NodeReply>)options.GetTypeInfo(typeof(NodeReply)));
    }
}
