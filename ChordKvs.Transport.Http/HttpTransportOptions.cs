namespace ChordKvs.Transport.Http;

/// <summary>
/// Settings of the HTTP transport, read by both its client (<see cref="HttpNodeTransport"/>) and its server
/// (the endpoints mapped by <c>MapChordKvsInternal</c>). Every node of a cluster should use the same values.
/// </summary>
/// <remarks>
/// A call runs through, outermost first: the total timeout, retries (idempotent requests only), the circuit
/// breaker of the target's authority (scheme, host and port) and the per-attempt timeout.
/// </remarks>
public sealed class HttpTransportOptions
{
    /// <summary>
    /// The secret every internal request must carry in the <see cref="ChordKvsInternalApi.SecretHeaderName"/>
    /// header. Default: null, which disables the check (fine on loopback, not on a shared network). When set,
    /// it must consist of printable ASCII characters (for instance a base64 or hex string), and every node of
    /// the cluster must be given the same value.
    /// </summary>
    public string? ClusterSecret { get; set; }

    /// <summary>
    /// How long one attempt may take, from sending the request to receiving the reply's headers.
    /// Default: 1 second. A node on the same network answers in well under a millisecond, so an attempt
    /// that takes this long means the peer is stuck or gone.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a call may take in all, retries and backoff included. Default: 5 seconds, enough for the
    /// default three attempts of one second and their backoff.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times an idempotent request is retried after a transient failure (no connection, attempt
    /// timeout, HTTP 5xx, 408 or 429). Default: 2, so at most three attempts. Zero disables retries.
    /// Requests whose <see cref="Core.Transport.NodeRequest.IsIdempotent"/> is false are never retried.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>
    /// The base of the jittered exponential backoff between attempts. Default: 50 milliseconds.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The share of failed attempts to one peer, within <see cref="CircuitBreakerSamplingDuration"/>, that opens
    /// that peer's circuit. Default: 0.5. Between 0 (exclusive) and 1.
    /// </summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>
    /// How many attempts to one peer the sampling window must hold before its circuit can open. Default: 10;
    /// at least 2.
    /// </summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which a peer's failure ratio is measured. Default: 10 seconds; at least 0.5 s.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an open circuit fails calls to its peer at once, before one trial call is let through.
    /// Default: 2 seconds, short enough that a restarted node is reached again within a few stabilize rounds;
    /// at least 0.5 s.
    /// </summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a pooled keep-alive connection is reused before it is replaced, so that a peer's changed
    /// DNS name is eventually noticed. Default: 5 minutes.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many batches of requests may be on the wire to one peer process at once (for replica reads and writes,
    /// and again for all other requests); further requests wait and leave together in the next batch. Default 2: an
    /// idle peer gets each request at once, a busy one gets them many to a round trip. Must be at least 1.
    /// </summary>
    public int MaxBatchesInFlightPerPeer { get; set; } = 2;

    /// <summary>
    /// Whether requests to a peer process travel over one long-lived WebSocket to it (<c>GET /internal/v1/stream</c>)
    /// instead of an HTTP request per batch, which spares each batch the HTTP request's parsing and most of its system
    /// calls on both nodes. Default: true. When the stream cannot be opened (the peer is down, or runs a version
    /// without the endpoint, or refuses the cluster secret), requests take the HTTP path with its retries and circuit
    /// breaker, and the stream to that peer is not tried again for 3 seconds. Batches on
    /// the stream are not retried: each has <see cref="AttemptTimeout"/> to be answered.
    /// </summary>
    public bool UsePeerStreams { get; set; } = true;

    /// <summary>
    /// Whether the caller of <see cref="HttpNodeTransport.SendAsync"/> resumes on the thread that received its reply,
    /// instead of on a thread-pool thread: one thread hop (a wake-up and a context switch) less per node-to-node call.
    /// A batch's callers then resume one after another on that thread, so this is only for callers that never block
    /// a thread after the reply — a caller that waits synchronously for another reply of the same batch would wait
    /// forever. ChordKvs's own node code never blocks; <c>chordkvs node</c> turns this on together with inline socket
    /// completions. Default: false.
    /// </summary>
    public bool CompleteRepliesInline { get; set; }

    /// <summary>Whether a cluster secret is configured.</summary>
    internal bool HasClusterSecret => !string.IsNullOrEmpty(ClusterSecret);
}
