using ChordKvs.Core;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Settings of a ChordKvs node hosted in ASP.NET Core by <c>AddChordKvs</c>: where it listens, how other nodes
/// reach it, which ring it joins, and the node's own ring, replication and limit settings.
/// </summary>
/// <remarks>
/// Bound from configuration like any options class; the <c>chordkvs</c> executable reads these names at the root
/// of its configuration (<c>ListenAddress</c>, <c>Node:Replication:ReplicaCount</c>, …).
/// </remarks>
public sealed class ChordKvsNodeOptions
{
    /// <summary>
    /// Where Kestrel listens: <c>HOST:PORT</c> or <c>http://HOST:PORT</c>, where HOST is an IP address,
    /// <c>localhost</c>, or <c>*</c> / <c>0.0.0.0</c> for every interface, and port 0 picks a free port.
    /// Default: null, which leaves the listening addresses to the host's own server configuration.
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// The base URL other nodes and clients use to reach this node, such as <c>http://10.0.0.5:7000</c>. The node's
    /// ring identifier is derived from it, so a node restarted with the same address returns to the same place.
    /// Default: null, which takes the address the server actually bound (required when listening on every interface,
    /// where that address is not one another machine can use).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// The base URL of any node of an existing ring, such as <c>http://10.0.0.4:7000</c>. Default: null, which
    /// starts a new ring with this node alone in it. Joining is retried with backoff until it succeeds or the host stops.
    /// </summary>
    public string? JoinUrl { get; set; }

    /// <summary>
    /// The cluster secret that guards node-to-node calls; every node of a ring needs the same value. Default: null,
    /// which keeps the transport's own setting (<see cref="HttpTransportOptions.ClusterSecret"/>, unset by default:
    /// fine on loopback, not on a shared network).
    /// </summary>
    public string? ClusterSecret { get; set; }

    /// <summary>
    /// The bearer token clients must send (<c>Authorization: Bearer TOKEN</c>) to use the client API
    /// (<c>/kv</c>, <c>/cluster</c>); a request without it, or with another token, is answered 401 with
    /// <c>WWW-Authenticate: Bearer</c>. Compared in constant time. Default: null, which leaves the client API open
    /// (fine on loopback, not on a shared network). Give every node the same token: a joining node presents it to
    /// its join URL.
    /// </summary>
    public string? ClientToken { get; set; }

    /// <summary>
    /// The longest a request to any of the node's endpoints may take before it is abandoned and answered
    /// 504 (client API) or 503 (node-to-node), as <c>application/problem+json</c>. Enforced by ASP.NET Core's
    /// request-timeouts middleware, which the host must add (<c>app.UseRequestTimeouts()</c>; the
    /// <c>chordkvs</c> executable does). Default: 30 seconds, longer than a lookup's deadline
    /// (<c>Node:Ring:LookupTimeout</c>, 10 s) plus the replicas' answer time, so that a request the ring can
    /// still answer is never cut short.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Seeds the node's random choices (maintenance jitter), so that a run can be repeated. Default: null, a seed
    /// drawn at start and logged.
    /// </summary>
    public int? RandomSeed { get; set; }

    /// <summary>
    /// How many ring members (virtual nodes) this host runs, from 1 to 64. Member 0's identifier is the first 64 bits
    /// of SHA-1 over the advertised address, as for a host without virtual nodes, so a restarted host returns to that
    /// place; each later member joins at whichever of two candidate identifiers falls in the longer arc of the ring
    /// (<see cref="ChordKvs.Core.Ring.VirtualNodePlacement"/>), which evens out the load further than random places
    /// but may differ from one start to the next. More members
    /// spread the keys more evenly over hosts; replicas are always put on distinct hosts, and the successor list is
    /// lengthened to at least (ReplicaCount − 1) · VirtualNodes entries so that it names enough of them. Use the same
    /// value on every host. Default: 1.
    /// </summary>
    public int VirtualNodes { get; set; } = 1;

    /// <summary>The node's ring protocol, replication and input-limit settings.</summary>
    public ChordKvsOptions Node { get; set; } = new();

    /// <summary>The first wait before retrying a failed join. Default: 500 milliseconds; doubled after each failure.</summary>
    public TimeSpan JoinRetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two join attempts. Default: 10 seconds.</summary>
    public TimeSpan JoinRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a stopping node may spend handing its keys over and leaving the ring before it stops anyway
    /// (its neighbours then repair the ring as after a crash). Default: 15 seconds, within the host's default
    /// 30-second shutdown timeout.
    /// </summary>
    public TimeSpan LeaveTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The <c>Retry-After</c> sent with a 503 answer (replicas unreachable, node not yet joined or leaving).
    /// Default: 1 second, about one stabilization round, after which the ring has often routed around the failure.
    /// </summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
