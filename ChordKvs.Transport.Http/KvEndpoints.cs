using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ChordKvs.Core;
using ChordKvs.Core.Diagnostics;
using ChordKvs.Core.Replication;
using ChordKvs.Core.Ring;
using ChordKvs.Core.Storage;
using ChordKvs.Core.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ChordKvs.Transport.Http;

/// <summary>
/// <c>GET</c>, <c>PUT</c> and <c>DELETE /kv/{key}</c>: checks the request at the edge, hands it to the local
/// <see cref="ChordKvsNode"/> (which routes it to the key's replicas) and turns the <see cref="KvResult"/> into
/// an HTTP answer.
/// </summary>
/// <remarks>
/// Everything the client can get wrong is checked here, before the ring is involved, in the order a client
/// would fix it: the key, the quorum parameter, the body's size and syntax, then the precondition headers.
/// A rejected request therefore never reaches a replica and never changes stored data, and every rejection is
/// a 4xx; 5xx answers are reserved for the ring (503, 504).
/// </remarks>
internal sealed class KvEndpoints
{
    /// <summary>The path prefix of the key-value API.</summary>
    public const string Prefix = "/kv";

    private const string JsonMediaType = "application/json";

    /// <summary>What precedes the key in a request target (after the path base, when the application has one).</summary>
    private const string KeyPathPrefix = Prefix + "/";

    /// <summary>The query parameter of a PUT that sets the value's time to live, in seconds.</summary>
    private const string TimeToLiveParameter = "ttl";

    private readonly ChordKvsNodeService service;
    private readonly ChordKvsNodeOptions options;
    private readonly KeyValidator keyValidator;
    private readonly JsonValueValidator valueValidator;
    private readonly ChordKvsMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    public KvEndpoints(ChordKvsNodeService service, ChordKvsNodeOptions options, ChordKvsMetrics metrics, TimeProvider time, ILogger logger)
    {
        this.service = service;
        this.options = options;
        this.metrics = metrics;
        this.time = time;
        this.logger = logger;
        keyValidator = new KeyValidator(options.Node.Limits);
        valueValidator = new JsonValueValidator(options.Node.Limits);
    }

    private int ReplicaCount => options.Node.Replication.ReplicaCount;

    /// <summary><c>GET /kv/{key}[?r=R]</c>: 200 with the value as written and its <c>ETag</c>, 304 when <c>If-None-Match</c> matches, 404 when absent.</summary>
    public Task<Results<PlainHttpResult, ProblemHttpResult>> GetAsync(HttpContext context, CancellationToken cancellationToken) =>
        MeasuredAsync("get", ServeGetAsync(context, cancellationToken));

    /// <summary>
    /// <c>PUT /kv/{key}</c> with a JSON body, optionally <c>?w=W</c> and <c>?ttl=SECONDS</c>: 201 when created, 204 when
    /// replaced, each with the new <c>ETag</c>. With <c>ttl</c>, the value reads as absent once that many seconds have passed.
    /// </summary>
    public Task<Results<PlainHttpResult, ProblemHttpResult>> PutAsync(HttpContext context, CancellationToken cancellationToken) =>
        MeasuredAsync("put", ServePutAsync(context, cancellationToken));

    /// <summary><c>DELETE /kv/{key}[?w=W]</c>: 204 when a value was deleted, 404 when there was none.</summary>
    public Task<Results<PlainHttpResult, ProblemHttpResult>> DeleteAsync(HttpContext context, CancellationToken cancellationToken) =>
        MeasuredAsync("delete", ServeDeleteAsync(context, cancellationToken));

    private async ValueTask<Results<PlainHttpResult, ProblemHttpResult>> ServeGetAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryReadKey(context, out var key, out var problem) || !TryReadQuorum(context.Request, "r", out var readQuorum, out problem))
        {
            return problem;
        }

        var ifNoneMatch = PreconditionHeaders.ParseRead(context.Request.Headers.IfNoneMatch);
        if (ifNoneMatch.Error is { } headerError)
        {
            return ClientProblems.BadRequest("Invalid If-None-Match header", headerError, key);
        }

        if (!TryGetMember(context, key, out var node, out problem))
        {
            return problem;
        }

        var result = await CallAsync(key, node.GetAsync(key, readQuorum, cancellationToken));
        if (result.Outcome != KvOutcome.Found)
        {
            return Failure(context, result, key, hasValue: false);
        }

        var version = result.Version ?? throw new InvalidOperationException($"The node found key '{key}' without a version.");
        context.Response.Headers[HeaderNames.ETag] = version.ToETag();
        if (ifNoneMatch.Matches(version))
        {
            return PlainHttpResult.NotModified;
        }

        var value = result.Value ?? throw new InvalidOperationException($"The node found key '{key}' without a value.");
        return PlainHttpResult.Ok(value, JsonMediaType);
    }

    private async ValueTask<Results<PlainHttpResult, ProblemHttpResult>> ServePutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryReadKey(context, out var key, out var problem) || !TryReadQuorum(context.Request, "w", out var writeQuorum, out problem)
            || !TryReadTimeToLive(context.Request, key, out var timeToLive, out problem))
        {
            return problem;
        }

        var maxBytes = options.Node.Limits.MaxValueBytes;
        var body = await BoundedBodyReader.ReadAsync(context.Request, maxBytes, cancellationToken);
        if (body.TooLarge)
        {
            return ClientProblems.Create(StatusCodes.Status413PayloadTooLarge, "Value too large",
                Invariant($"The body has {(context.Request.ContentLength is null ? "more than " : string.Empty)}{(context.Request.ContentLength ?? maxBytes)} bytes; the limit for a value is {maxBytes} bytes."), key);
        }

        if (body.Body is not { } value)
        {
            return ClientProblems.Create(body.MalformedStatus, "Unreadable body", $"The request body could not be read: {body.MalformedReason}", key);
        }

        var validation = valueValidator.Validate(value);
        if (!validation.IsValid)
        {
            return validation.Failure == ValidationFailure.TooLarge
                ? ClientProblems.Create(StatusCodes.Status413PayloadTooLarge, "Value too large", validation.Message, key)
                : ClientProblems.BadRequest("Invalid JSON value", validation.Message, key);
        }

        if (!TryReadConditions(context, key, allowIfNoneMatch: true, out var conditions, out problem) || !TryGetMember(context, key, out var node, out problem))
        {
            return problem;
        }

        var result = await CallAsync(key, node.PutAsync(key, value, conditions, writeQuorum, timeToLive, cancellationToken));
        switch (result.Outcome)
        {
            case KvOutcome.Created:
                SetETag(context, result);
                return PlainHttpResult.Created(RawTargetKey.PathOf(RawTarget(context)).ToString());
            case KvOutcome.Replaced:
                SetETag(context, result);
                return PlainHttpResult.NoContent;
            default:
                return Failure(context, result, key, hasValue: true);
        }
    }

    private async ValueTask<Results<PlainHttpResult, ProblemHttpResult>> ServeDeleteAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryReadKey(context, out var key, out var problem) || !TryReadQuorum(context.Request, "w", out var writeQuorum, out problem))
        {
            return problem;
        }

        if (!TryReadConditions(context, key, allowIfNoneMatch: false, out var conditions, out problem) || !TryGetMember(context, key, out var node, out problem))
        {
            return problem;
        }

        var result = await CallAsync(key, node.DeleteAsync(key, conditions, writeQuorum, cancellationToken));
        return result.Outcome == KvOutcome.Deleted
            ? PlainHttpResult.NoContent
            : Failure(context, result, key, hasValue: false);
    }

    /// <summary>
    /// Records a request in <c>chordkvs.client.request.duration</c> by operation and the status its result answers with
    /// (500 when the handler throws, which the exception handler then answers). Measured here rather than by an endpoint
    /// filter and a completion callback, which together cost a single node several percent of its CPU per request; the
    /// duration therefore ends when the result is ready, before its body is written.
    /// </summary>
    private async Task<TResult> MeasuredAsync<TResult>(string operation, ValueTask<TResult> serving)
        where TResult : INestedHttpResult
    {
        var started = time.GetTimestamp();
        try
        {
            var result = await serving;
            metrics.RecordClientRequest(operation, (result.Result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK, time.GetElapsedTime(started));
            return result;
        }
        catch
        {
            metrics.RecordClientRequest(operation, StatusCodes.Status500InternalServerError, time.GetElapsedTime(started));
            throw;
        }
    }

    private bool TryReadKey(HttpContext context, out string key, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        var pathBase = context.Request.PathBase.Value;
        if (!RawTargetKey.TryParse(RawTarget(context), string.IsNullOrEmpty(pathBase) ? KeyPathPrefix : pathBase + KeyPathPrefix, out key, out var error))
        {
            problem = ClientProblems.BadRequest("Invalid key", error);
            return false;
        }

        var validation = keyValidator.Validate(key);
        if (!validation.IsValid)
        {
            // A key over the limit is a 400, not a 414: the URI is within what the server reads (its own request-line
            // limit answers 414 before this runs); it is the key as an argument that is too long.
            problem = ClientProblems.BadRequest(
                validation.Failure switch
                {
                    ValidationFailure.Empty => "Missing key",
                    ValidationFailure.TooLarge => "Key too long",
                    _ => "Invalid key",
                },
                validation.Failure == ValidationFailure.Empty
                    ? "The path names no key; put the percent-encoded key after /kv/, as in /kv/users%2F42."
                    : validation.Message);
            return false;
        }

        problem = null;
        return true;
    }

    private bool TryReadQuorum(HttpRequest request, string name, out int? quorum, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        quorum = null;
        problem = null;
        if (!HasQuery(request) || !request.Query.TryGetValue(name, out var values))
        {
            return true;
        }

        var meaning = name == "w" ? "replicas that must store the write before it is acknowledged" : "replicas the read consults";
        if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || parsed < 1 || parsed > ReplicaCount)
        {
            problem = ClientProblems.BadRequest(
                Invariant($"Invalid ?{name}= parameter"),
                Invariant($"?{name}= is the number of {meaning}: one whole number from 1 to the replica count {ReplicaCount}; got '{string.Join(',', values.ToArray())}'."));
            return false;
        }

        quorum = parsed;
        return true;
    }

    private bool TryReadTimeToLive(HttpRequest request, string key, out TimeSpan? timeToLive, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        timeToLive = null;
        problem = null;
        if (!HasQuery(request) || !request.Query.TryGetValue(TimeToLiveParameter, out var values))
        {
            return true;
        }

        var maxSeconds = (long)options.Node.Limits.MaxTimeToLive.TotalSeconds;
        if (values.Count != 1 || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > maxSeconds)
        {
            problem = ClientProblems.BadRequest(
                "Invalid ?ttl= parameter",
                Invariant($"?ttl= is how many seconds the value lives: one whole number from 1 to {maxSeconds}; got '{string.Join(',', values.ToArray())}'. Leave it out for a value that never expires."),
                key);
            return false;
        }

        timeToLive = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private bool TryGetMember(HttpContext context, string key, [NotNullWhen(true)] out ChordKvsNode? node, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        if (service.TryGetMember(out node, out var reason))
        {
            problem = null;
            return true;
        }

        problem = ClientProblems.Unavailable(context, options.RetryAfter, "Node not ready", reason, key);
        return false;
    }

    private ProblemHttpResult Failure(HttpContext context, KvResult result, string key, bool hasValue)
    {
        Log.ClientRequestUnserved(logger, key, result.Outcome, result.Problem);
        return ClientProblems.ForFailure(context, result, key, options.RetryAfter, hasValue);
    }

    /// <summary>Reads If-Match / If-None-Match of a write; a malformed header or one that can never hold is a problem.</summary>
    private static bool TryReadConditions(HttpContext context, string key, bool allowIfNoneMatch, out WriteConditions conditions, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        var parsed = PreconditionHeaders.ParseWrite(context.Request.Headers.IfMatch, context.Request.Headers.IfNoneMatch, allowIfNoneMatch);
        conditions = parsed.Conditions;
        problem = parsed.Error is { } headerError
            ? ClientProblems.BadRequest("Invalid precondition header", headerError, key)
            : parsed.NeverMet ? NeverMet(key) : null;
        return problem is null;
    }

    private static ProblemHttpResult NeverMet(string key) =>
        ClientProblems.Create(StatusCodes.Status412PreconditionFailed, "Precondition failed",
            "If-Match names an entity tag no ChordKvs version can have (a weak tag, or another server's); send * or the exact ETag of a read. Nothing was changed.",
            key);

    /// <summary>
    /// Awaits a node operation, turning the ring's exceptions into the outcomes they mean, so that a lookup that
    /// fails is a 503 or 504 for the client rather than a 500. (The node's operations fail only through their task.)
    /// </summary>
    private static async ValueTask<KvResult> CallAsync(string key, Task<KvResult> operation)
    {
        try
        {
            return await operation;
        }
        catch (LookupTimeoutException ex)
        {
            return new KvResult(KvOutcome.LookupTimedOut, Problem: $"The node responsible for key '{key}' could not be found in time: {ex.Message} Retry shortly.");
        }
        catch (Exception ex) when (ex is LookupFailedException or NodeUnreachableException)
        {
            return new KvResult(KvOutcome.Unavailable, Problem: $"The replicas of key '{key}' could not be reached: {ex.Message} Retry later or through another node.");
        }
    }

    private static void SetETag(HttpContext context, KvResult result)
    {
        if (result.Version is { } version)
        {
            context.Response.Headers[HeaderNames.ETag] = version.ToETag();
        }
    }

    private static string RawTarget(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw
            : context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent();

    /// <summary>Whether the request has a query string; reading <see cref="HttpRequest.Query"/> builds a collection even when it has none.</summary>
    private static bool HasQuery(HttpRequest request) => request.QueryString.HasValue;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
