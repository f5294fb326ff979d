using System.Globalization;
using ChordKvs.Core.Replication;
using System.Text.Json.Nodes;
using ChordKvs.Core.Ring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace ChordKvs.Transport.Http;

/// <summary>
/// The OpenAPI description of the client API (<c>/openapi/v1.json</c>): every status code, header and query
/// parameter the endpoints use, which the endpoints' signatures cannot express because they read the key, the
/// query and the headers themselves.
/// </summary>
internal static class ClientApiDocumentation
{
    /// <summary>The name of the OpenAPI document, served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    private const string ProblemMediaType = "application/problem+json";

    /// <summary>Marks the endpoints the document describes, so that a host's own endpoints stay out of it.</summary>
    public static object Marker { get; } = new ClientApiEndpoint();

    /// <summary>Configures the document: only the client API, titled, with schemas that say what the JSON holds.</summary>
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ShouldInclude = description => description.ActionDescriptor.EndpointMetadata.Contains(Marker);
        options.AddDocumentTransformer(static (document, _, _) =>
        {
            document.Info.Title = "ChordKvs client API";
            document.Info.Description = "A distributed key-value store for JSON values: any node serves any key. Every error is application/problem+json (RFC 9457).";
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer(static (schema, context, _) =>
        {
            DescribeWireFormat(schema, context.JsonTypeInfo.Type);
            return Task.CompletedTask;
        });
    }

    // The client API's bodies are written by ClientApiJsonContext, not by the host's JSON options that the schema
    // generator reads: identifiers are hex strings, statuses are names, and numbers are never strings.
    private static void DescribeWireFormat(OpenApiSchema schema, Type type)
    {
        if (type == typeof(NodeId))
        {
            schema.Type = JsonSchemaType.String;
            schema.Pattern = "^[0-9a-f]{16}$";
        }
        else if (type == typeof(ChordNodeStatus))
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = [.. Enum.GetNames<ChordNodeStatus>().Select(name => (JsonNode)JsonValue.Create(name))];
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            schema.Type = JsonSchemaType.Integer;
            schema.Pattern = null;
        }
    }

    /// <summary>Describes <c>GET /kv/{key}</c>.</summary>
    public static RouteHandlerBuilder DescribeGet(this RouteHandlerBuilder endpoint, ChordKvsNodeOptions options) => endpoint
        .WithTags("Keys")
        .WithDescription("The JSON value exactly as written, with its version as a strong ETag. Any node serves any key.")
        .Produces(StatusCodes.Status200OK)
        .Produces(StatusCodes.Status304NotModified)
        .Problems(options, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout)
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            Key(operation);
            Query(operation, "r", "How many replicas the read consults (newest version wins): 1 to the replica count; default a majority.", minimum: 1, maximum: options.Node.Replication.ReplicaCount);
            Header(operation, HeaderNames.IfNoneMatch, "`*` or a list of entity tags: answer 304 Not Modified when the current version matches (weak comparison).");
            if (operation.Responses?.TryGetValue("200", out var found) is true && found is OpenApiResponse value)
            {
                // Any JSON value: no schema constrains it.
                value.Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema() } };
            }

            ResponseHeader(operation, StatusCodes.Status200OK, HeaderNames.ETag, "The value's version, a strong entity tag.");
            ResponseHeader(operation, StatusCodes.Status304NotModified, HeaderNames.ETag, "The value's version, a strong entity tag.");
            return Task.CompletedTask;
        });

    /// <summary>Describes <c>PUT /kv/{key}</c>.</summary>
    public static RouteHandlerBuilder DescribePut(this RouteHandlerBuilder endpoint, ChordKvsNodeOptions options) => endpoint
        .WithTags("Keys")
        .WithDescription("The body is any single JSON value, stored byte for byte. 201 when the key had no value, 204 when it replaced one.")
        .Produces(StatusCodes.Status201Created)
        .Produces(StatusCodes.Status204NoContent)
        .Problems(options, StatusCodes.Status400BadRequest, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout)
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            Key(operation);
            Query(operation, "w", "How many replicas must store the write before it is acknowledged: 1 to the replica count; default a majority.", minimum: 1, maximum: options.Node.Replication.ReplicaCount);
            Query(operation, "ttl", "Seconds until the value expires and reads as absent on every node; omit for a value that never expires.", minimum: 1, maximum: (long)options.Node.Limits.MaxTimeToLive.TotalSeconds);
            Header(operation, HeaderNames.IfMatch, "`*` (the key must have a value) or one strong entity tag (the value must be at that version); else 412.");
            Header(operation, HeaderNames.IfNoneMatch, "`*`: create only; 412 when the key already has a value.");
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = string.Create(CultureInfo.InvariantCulture, $"Any single JSON value in UTF-8, at most {options.Node.Limits.MaxValueBytes} bytes."),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema() } },
            };
            ResponseHeader(operation, StatusCodes.Status201Created, HeaderNames.ETag, "The version just written, a strong entity tag.");
            ResponseHeader(operation, StatusCodes.Status201Created, HeaderNames.Location, "The key's URL.");
            ResponseHeader(operation, StatusCodes.Status204NoContent, HeaderNames.ETag, "The version just written, a strong entity tag.");
            ResponseHeader(operation, StatusCodes.Status412PreconditionFailed, HeaderNames.ETag, "The current version, when the key has a value.");
            return Task.CompletedTask;
        });

    /// <summary>Describes <c>DELETE /kv/{key}</c>.</summary>
    public static RouteHandlerBuilder DescribeDelete(this RouteHandlerBuilder endpoint, ChordKvsNodeOptions options) => endpoint
        .WithTags("Keys")
        .Produces(StatusCodes.Status204NoContent)
        .Problems(options, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout)
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            Key(operation);
            Query(operation, "w", "How many replicas must store the delete before it is acknowledged: 1 to the replica count; default a majority.", minimum: 1, maximum: options.Node.Replication.ReplicaCount);
            Header(operation, HeaderNames.IfMatch, "`*` or one strong entity tag: delete only that version; else 412.");
            ResponseHeader(operation, StatusCodes.Status412PreconditionFailed, HeaderNames.ETag, "The current version, when the key has a value.");
            return Task.CompletedTask;
        });

    /// <summary>Describes <c>GET /cluster</c>.</summary>
    public static RouteHandlerBuilder DescribeCluster(this RouteHandlerBuilder endpoint, ChordKvsNodeOptions options) => endpoint
        .WithTags("Cluster")
        .WithDescription("Identifier, address, status, predecessor, successors, fingers and key counts.")
        .Produces<NodeStatus>(StatusCodes.Status200OK)
        .Problems(options, StatusCodes.Status503ServiceUnavailable);

    /// <summary>Describes <c>GET /cluster/nodes</c>.</summary>
    public static RouteHandlerBuilder DescribeClusterNodes(this RouteHandlerBuilder endpoint, ChordKvsNodeOptions options) => endpoint
        .WithTags("Cluster")
        .WithDescription("Found by walking successor pointers from this node; each node describes itself.")
        .Produces<RingDescription>(StatusCodes.Status200OK)
        .Problems(options, StatusCodes.Status503ServiceUnavailable);

    // Every error is problem+json; 401 exists only when a client token is configured, 504 also when a request times out.
    private static RouteHandlerBuilder Problems(this RouteHandlerBuilder endpoint, ChordKvsNodeOptions options, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes.Append(StatusCodes.Status504GatewayTimeout).Distinct())
        {
            endpoint.ProducesProblem(statusCode, ProblemMediaType);
        }

        if (options.ClientToken is { Length: > 0 })
        {
            endpoint.ProducesProblem(StatusCodes.Status401Unauthorized, ProblemMediaType);
        }

        return endpoint;
    }

    private static void Key(OpenApiOperation operation) => Add(operation, new OpenApiParameter
    {
        Name = "key",
        In = ParameterLocation.Path,
        Required = true,
        Description = "The key: non-empty UTF-8, percent-encoded; '/' is allowed inside it, literally or as %2F.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    });

    private static void Query(OpenApiOperation operation, string name, string description, int minimum, long maximum) => Add(operation, new OpenApiParameter
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Minimum = minimum.ToString(CultureInfo.InvariantCulture),
            Maximum = maximum.ToString(CultureInfo.InvariantCulture),
        },
    });

    private static void Header(OpenApiOperation operation, string name, string description) => Add(operation, new OpenApiParameter
    {
        Name = name,
        In = ParameterLocation.Header,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    });

    // Replaces a parameter the generator inferred from the route (the catch-all key) rather than listing it twice.
    private static void Add(OpenApiOperation operation, OpenApiParameter parameter)
    {
        operation.Parameters ??= [];
        var existing = operation.Parameters.FirstOrDefault(candidate => candidate.Name == parameter.Name && candidate.In == parameter.In);
        if (existing is not null)
        {
            operation.Parameters.Remove(existing);
        }

        operation.Parameters.Add(parameter);
    }

    private static void ResponseHeader(OpenApiOperation operation, int statusCode, string name, string description)
    {
        if (operation.Responses?.TryGetValue(statusCode.ToString(CultureInfo.InvariantCulture), out var response) is true && response is OpenApiResponse concrete)
        {
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        }
    }

    private sealed class ClientApiEndpoint;
}
