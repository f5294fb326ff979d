namespace ChordKvs.Host;

/// <summary>The usage texts <c>chordkvs --help</c> and <c>chordkvs &lt;command&gt; --help</c> print.</summary>
internal static class Usage
{
    public const string Tool = """
        chordkvs: a distributed in-memory JSON key-value store on a Chord ring.

        Usage: chordkvs <command> [options]

        Commands:
          node       Run one node (create a ring, or join one with --join).
          demo       Run a local cluster of several nodes in this process and print curl examples.
          simulate   Run the Chord simulator on the in-memory network (paper figures).
          bench      Generate load against running nodes and report req/s and latency.

        Run 'chordkvs <command> --help' for the options of a command.
        """;

    public const string Node = """
        Usage: chordkvs node --listen HOST:PORT [--join URL] [--replicas N] [--vnodes K] [--secret S] [--client-token T] [--advertise URL] [--seed N]

        Runs one node. Without --join it starts a new ring; with --join it joins the ring of the node at URL,
        retrying until that node answers. Ctrl-C (or SIGTERM) makes the node hand its keys over and leave.

        Options:
          --listen HOST:PORT   Where to listen: an IP address, localhost, or 0.0.0.0 for every interface; port 0 picks one.
          --join URL           Base URL of any node of an existing ring, such as http://10.0.0.4:7000.
          --replicas N         Copies of each key (default 3). Use the same value on every node.
          --vnodes K           Ring members (virtual nodes) this node runs, 1 to 64 (default 1), for a more even
                               share of the keys; replicas always go to distinct nodes. Same value on every node.
          --secret S           Cluster secret guarding node-to-node calls; every node needs the same one.
                               A node whose secret the ring refuses logs why and exits with code 1.
          --client-token T     Bearer token clients must send (Authorization: Bearer T); same on every node.
          --advertise URL      URL other nodes reach this one at (required when listening on 0.0.0.0).
          --seed N             Seed of the node's random choices, to repeat a run.

        Settings also come from appsettings.json next to the executable and from CHORDKVS_* environment
        variables (CHORDKVS_LISTENADDRESS, CHORDKVS_JOINURL, CHORDKVS_CLUSTERSECRET, CHORDKVS_CLIENTTOKEN,
        CHORDKVS_NODE__REPLICATION__REPLICACOUNT, ...); options on the command line win.
        """;

    public const string Demo = """
        Usage: chordkvs demo [--nodes N] [--base-port P] [--vnodes K]

        Starts N nodes (default 3) on 127.0.0.1, ports P, P+1, ... (default 7000; 0 picks free ports), in this
        process, waits until they form one ring, then prints each node's URL and curl lines to try.
        Ctrl-C makes every node leave the ring gracefully.

        Options:
          --nodes N        How many nodes to start, 1 to 32.
          --base-port P    The first node's port.
          --vnodes K       Ring members (virtual nodes) each node runs, 1 to 64 (default 1).
        """;


    public const string Bench = """
        Usage: chordkvs bench --target URL[,URL...] [--duration 10s] [--warmup 2s] [--connections 64] [--keys 10000]
                              [--value-size 64] [--mix get=90,put=10] [--zipf S] [--seed N] [--json FILE]
               chordkvs bench --memory [--keys 1000000] [--value-size 64] [--json FILE]

        Writes every key once, then keeps one request in flight on each connection (spread evenly over the
        targets) for the warm-up and the measured duration. A progress line goes to standard error each second;
        the report (req/s, p50/p99/p99.9 latency, errors by status) to standard output. Ctrl-C ends the run early
        and still reports. With --memory it instead fills a store in this process and reports the bytes each key
        costs beyond its key and value bytes.

        Options:
          --target URL[,URL...]  Base URLs of the nodes to load, such as http://127.0.0.1:7000.
          --duration D           How long to measure: 500ms, 30s, 2m (default 10s).
          --warmup D             How long to load before measuring (default 2s; 0 for none).
          --connections N        Connections in all, each with one request in flight (default 64).
          --keys N               Distinct keys, named key0, key1, ... (default 10000; 1000000 with --memory).
          --value-size N         Bytes of each JSON value, at least 8 (default 64).
          --mix get=G,put=P[,delete=D]  Shares in percent, adding up to 100 (default get=90,put=10).
          --zipf S               Choose keys by Zipf's law with exponent S (such as 0.99) instead of uniformly.
          --seed N               Seed of the key and operation choices (default 1).
          --json FILE            Also write the report to FILE as JSON.
          --memory               Measure the store's memory per key instead of loading nodes.
        """;

    /// <summary>The usage of <paramref name="command"/>, or of the tool when it is null or unknown.</summary>
    public static string For(string? command) => command switch
    {
        "node" => Node,
        "demo" => Demo,
        "simulate" => Simulator.SimulateCommand.UsageText,
        "bench" => Bench,
        _ => Tool,
    };
}
