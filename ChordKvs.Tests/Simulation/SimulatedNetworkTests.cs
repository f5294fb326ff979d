using ChordKvs.Core.Ring;
using ChordKvs.Core.Simulation;
using ChordKvs.Core.Transport;

namespace ChordKvs.Tests.Simulation;

public class SimulatedNetworkTests
{
    private static readonly PingRequest Ping = new();

    private SimulationScheduler scheduler = null!;
    private SimulatedNetwork network = null!;

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static NodeInfo Node(string name) => NodeInfo.FromAddress($"sim://{name}");

    [SetUp]
    public void CreateNetwork()
    {
        scheduler = new SimulationScheduler();
        network = new SimulatedNetwork(scheduler, new Random(1234));
    }

    private EchoHandler AttachEcho(NodeInfo node)
    {
        var handler = new EchoHandler(node);
        network.Attach(node, handler);
        return handler;
    }

    /// <summary>Sends one ping and runs the simulation until it is answered; returns the reply and the round-trip time.</summary>
    private (NodeReply Reply, TimeSpan RoundTrip) PingOnce(NodeInfo from, NodeInfo to)
    {
        var transport = network.CreateTransport(from);
        var sentAt = scheduler.Elapsed;
        var reply = scheduler.Run(() => transport.SendAsync(to, Ping), TimeSpan.FromSeconds(10));
        return (reply, scheduler.Elapsed - sentAt);
    }

    [Test]
    public void A_request_is_answered_after_two_one_way_latencies()
    {
        network.Options.MinLatency = Ms(2);
        network.Options.MaxLatency = Ms(7);
        var client = Node("client");
        var server = Node("server");
        AttachEcho(server);

        var roundTrips = new List<TimeSpan>();
        for (var i = 0; i < 200; i++)
        {
            var (reply, roundTrip) = PingOnce(client, server);
            Assert.That(reply, Is.EqualTo(new PingReply(server)), "the echo node answers with itself");
            roundTrips.Add(roundTrip);
        }

        Assert.Multiple(() =>
        {
            Assert.That(roundTrips, Is.All.InRange(Ms(4), Ms(14)), "each round trip is two latencies in [2, 7] ms");
            Assert.That(roundTrips.Distinct().Count(), Is.GreaterThan(50), "latencies are drawn, not fixed");
            Assert.That(network.MessagesSent, Is.EqualTo(400), "a request and a reply per ping");
            Assert.That(network.MessagesDelivered, Is.EqualTo(400));
            Assert.That(network.MessagesDropped, Is.Zero);
        });
    }

    [Test]
    public void One_way_latency_stays_within_its_bounds_and_covers_them()
    {
        network.Options.MinLatency = Ms(3);
        network.Options.MaxLatency = Ms(4);
        var arrivals = new List<TimeSpan>();
        var server = Node("server");
        network.Attach(server, new LambdaHandler(_ =>
        {
            arrivals.Add(scheduler.Elapsed);
            return Task.FromResult<NodeReply>(AckReply.Instance);
        }));
        var transport = network.CreateTransport(Node("client"));

        var calls = Enumerable.Range(0, 1000).Select(_ => transport.SendAsync(server, Ping)).ToList();
        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(calls, Has.All.Matches<Task<NodeReply>>(t => t.IsCompletedSuccessfully), "every call was answered");
            Assert.That(arrivals, Has.Count.EqualTo(1000));
            Assert.That(arrivals, Is.All.InRange(Ms(3), Ms(4)), "requests sent at 0 arrive within [3, 4] ms");
            Assert.That(arrivals.Min(), Is.LessThan(Ms(3.1)), "the draw reaches near the lower bound");
            Assert.That(arrivals.Max(), Is.GreaterThan(Ms(3.9)), "the draw reaches near the upper bound");
        });
    }

    [Test]
    public void With_every_message_lost_the_call_fails_after_exactly_the_request_timeout()
    {
        network.Options.LossRate = 1.0;
        var server = Node("server");
        var handler = AttachEcho(server);
        var transport = network.CreateTransport(Node("client"));

        var thrown = Assert.Throws<NodeUnreachableException>(() => scheduler.Run(() => transport.SendAsync(server, Ping), TimeSpan.FromSeconds(10)));

        Assert.Multiple(() =>
        {
            Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(500)), "the default request timeout is 500 ms of virtual time");
            Assert.That(thrown!.Node, Is.EqualTo(server));
            Assert.That(thrown.Message, Does.Contain("timed out after 500 ms"));
            Assert.That(handler.RequestsHandled, Is.Zero, "the lost request never reached the handler");
            Assert.That(network.MessagesSent, Is.EqualTo(1));
            Assert.That(network.MessagesDropped, Is.EqualTo(1));
            Assert.That(network.MessagesDelivered, Is.Zero);
        });
    }

    [Test]
    public void A_reply_that_arrives_after_the_timeout_is_ignored()
    {
        network.Options.MinLatency = Ms(10);
        network.Options.MaxLatency = Ms(10);
        network.Options.RequestTimeout = Ms(15);
        var server = Node("server");
        AttachEcho(server);
        var call = network.CreateTransport(Node("client")).SendAsync(server, Ping);

        scheduler.RunFor(Ms(100));

        Assert.Multiple(() =>
        {
            Assert.That(call.Exception?.InnerException, Is.TypeOf<NodeUnreachableException>(), "the timeout at 15 ms beat the reply at 20 ms");
            Assert.That(network.MessagesDelivered, Is.EqualTo(2), "the reply still travelled and arrived");
        });
    }

    [Test]
    public void A_crashed_node_times_out_and_answers_again_once_reattached()
    {
        var client = Node("client");
        var server = Node("server");
        AttachEcho(server);
        Assert.That(PingOnce(client, server).Reply, Is.EqualTo(new PingReply(server)), "answered while up");

        network.Crash(server.Id);
        var crashedAt = scheduler.Elapsed;
        Assert.Multiple(() =>
        {
            Assert.That(network.IsUp(server.Id), Is.False, "crashed");
            Assert.Throws<NodeUnreachableException>(() => PingOnce(client, server), "a crashed node does not answer");
            Assert.That(scheduler.Elapsed - crashedAt, Is.EqualTo(Ms(500)), "the caller gives up after the request timeout");
        });

        var restarted = AttachEcho(server);
        Assert.Multiple(() =>
        {
            Assert.That(network.IsUp(server.Id), Is.True, "up again");
            Assert.That(PingOnce(client, server).Reply, Is.EqualTo(new PingReply(server)), "answered after the restart");
            Assert.That(restarted.RequestsHandled, Is.EqualTo(1), "by the new handler");
        });
    }

    [Test]
    public void A_crash_discards_the_answer_the_node_was_still_working_on()
    {
        var server = Node("server");
        var finished = false;
        network.Attach(server, new LambdaHandler(async _ =>
        {
            await Task.Delay(Ms(50), scheduler.TimeProvider);
            finished = true;
            return new PingReply(server);
        }));
        var call = network.CreateTransport(Node("client")).SendAsync(server, Ping);

        scheduler.RunFor(Ms(20));
        network.Crash(server.Id);
        AttachEcho(server);
        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(finished, Is.True, "the old handler's code still ran to its end");
            Assert.That(call.Exception?.InnerException, Is.TypeOf<NodeUnreachableException>(), "its answer was discarded, so the caller timed out");
            Assert.That(network.MessagesSent, Is.EqualTo(1), "no reply was sent by the crashed incarnation");
        });
    }

    [Test]
    public void Requests_from_a_crashed_node_do_not_arrive_even_when_already_in_flight()
    {
        network.Options.MinLatency = Ms(10);
        network.Options.MaxLatency = Ms(10);
        var client = Node("client");
        var server = Node("server");
        AttachEcho(client);
        var handler = AttachEcho(server);
        var transport = network.CreateTransport(client);

        _ = transport.SendAsync(server, Ping);
        scheduler.RunFor(Ms(5));
        network.Crash(client.Id);
        _ = transport.SendAsync(server, Ping);
        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(handler.RequestsHandled, Is.Zero, "neither the request in flight at the crash nor the one sent after it reached the server");
            Assert.That(network.MessagesDropped, Is.EqualTo(2));
        });
    }

    [Test]
    public void A_reply_to_a_sender_that_crashed_meanwhile_is_dropped()
    {
        network.Options.MinLatency = Ms(10);
        network.Options.MaxLatency = Ms(10);
        var client = Node("client");
        var server = Node("server");
        AttachEcho(client);
        AttachEcho(server);
        var call = network.CreateTransport(client).SendAsync(server, Ping);

        scheduler.RunFor(Ms(15));
        network.Crash(client.Id);
        scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(network.MessagesDelivered, Is.EqualTo(1), "the request arrived");
            Assert.That(network.MessagesDropped, Is.EqualTo(1), "the reply to the crashed client did not");
            Assert.That(call.IsCompletedSuccessfully, Is.False);
        });
    }

    [Test]
    public void A_partition_blocks_messages_between_groups_but_not_within_and_heal_restores_them()
    {
        var a = Node("a");
        var b = Node("b");
        var c = Node("c");
        var d = Node("d");
        var handlers = new[] { a, b, c, d }.ToDictionary(node => node, AttachEcho);

        bool Reaches(NodeInfo from, NodeInfo to)
        {
            try
            {
                PingOnce(from, to);
                return true;
            }
            catch (NodeUnreachableException)
            {
                return false;
            }
        }

        network.Partition([a.Id, b.Id], [c.Id]);

        Assert.Multiple(() =>
        {
            Assert.That(Reaches(a, b), Is.True, "a and b share a group");
            Assert.That(Reaches(b, a), Is.True, "a and b share a group");
            Assert.That(Reaches(a, a), Is.True, "a node reaches itself");
            Assert.That(Reaches(a, c), Is.False, "a and c are in different listed groups");
            Assert.That(Reaches(c, b), Is.False, "c and b are in different listed groups");
            Assert.That(Reaches(c, d), Is.False, "d is unlisted, so it is in the further group");
            Assert.That(Reaches(d, a), Is.False, "d is unlisted, so it is in the further group");
            Assert.That(handlers[c].RequestsHandled, Is.Zero, "no request crossed into c's group");
            Assert.That(handlers[d].RequestsHandled, Is.Zero, "no request crossed into the unlisted group");
            Assert.That(handlers[a].RequestsHandled, Is.EqualTo(2), "a answered b and itself, not d");
        });

        network.Heal();

        Assert.Multiple(() =>
        {
            Assert.That(Reaches(a, c), Is.True, "healed");
            Assert.That(Reaches(d, b), Is.True, "healed");
        });
    }

    [Test]
    public void Unlisted_nodes_can_reach_each_other_during_a_partition()
    {
        var a = Node("a");
        var c = Node("c");
        var d = Node("d");
        AttachEcho(a);
        AttachEcho(c);
        AttachEcho(d);

        network.Partition([a.Id]);

        Assert.That(PingOnce(c, d).Reply, Is.EqualTo(new PingReply(d)), "c and d are both in the group of unlisted nodes");
    }

    [Test]
    public void A_node_cannot_be_in_two_partition_groups()
    {
        var a = Node("a").Id;
        var b = Node("b").Id;

        Assert.Throws<ArgumentException>(() => network.Partition([a, b], [b]));
    }

    [Test]
    public void A_handler_that_throws_fails_the_call_with_that_same_exception()
    {
        var bug = new InvalidOperationException("handler bug");
        var server = Node("server");
        network.Attach(server, new LambdaHandler(_ => throw bug));

        var thrown = Assert.Throws<InvalidOperationException>(() => PingOnce(Node("client"), server));

        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.SameAs(bug));
            Assert.That(network.HandlerFaults, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_handler_whose_task_faults_later_fails_the_call_with_that_same_exception()
    {
        var bug = new InvalidOperationException("async handler bug");
        var server = Node("server");
        network.Attach(server, new LambdaHandler(async _ =>
        {
            await Task.Delay(Ms(5), scheduler.TimeProvider);
            throw bug;
        }));

        var thrown = Assert.Throws<InvalidOperationException>(() => PingOnce(Node("client"), server));

        Assert.That(thrown, Is.SameAs(bug));
    }

    [Test]
    public void Cancelling_the_token_ends_the_call_with_OperationCanceledException()
    {
        network.Options.MinLatency = Ms(10);
        network.Options.MaxLatency = Ms(10);
        var server = Node("server");
        AttachEcho(server);
        var transport = network.CreateTransport(Node("client"));

        Assert.Throws<TaskCanceledException>(() => scheduler.Run(
            async () =>
            {
                using var cancellation = new CancellationTokenSource(Ms(3), scheduler.TimeProvider);
                return await transport.SendAsync(server, Ping, cancellation.Token);
            },
            TimeSpan.FromSeconds(1)));

        Assert.That(scheduler.Elapsed, Is.EqualTo(Ms(3)), "cancelled when the token fired, before the reply");
    }

    [Test]
    public void A_token_cancelled_before_sending_sends_nothing()
    {
        var server = Node("server");
        AttachEcho(server);
        var call = network.CreateTransport(Node("client")).SendAsync(server, Ping, new CancellationToken(canceled: true));

        Assert.Multiple(() =>
        {
            Assert.That(call.IsCanceled, Is.True);
            Assert.That(network.MessagesSent, Is.Zero);
        });
    }

    [Test]
    public void A_node_sending_to_itself_goes_through_the_network()
    {
        network.Options.MinLatency = Ms(5);
        network.Options.MaxLatency = Ms(5);
        var node = Node("self");
        AttachEcho(node);

        var (reply, roundTrip) = PingOnce(node, node);

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo(new PingReply(node)));
            Assert.That(roundTrip, Is.EqualTo(Ms(10)), "two one-way latencies");
            Assert.That(network.MessagesDelivered, Is.EqualTo(2));
        });
    }

    [Test]
    public void Options_changed_while_running_apply_to_the_next_message()
    {
        var client = Node("client");
        var server = Node("server");
        AttachEcho(server);

        network.Options.LossRate = 1.0;
        Assert.Throws<NodeUnreachableException>(() => PingOnce(client, server), "loss on");
        network.Options.LossRate = 0.0;

        Assert.That(PingOnce(client, server).Reply, Is.EqualTo(new PingReply(server)), "loss off again");
    }

    [Test]
    public void A_request_to_a_node_never_attached_times_out()
    {
        Assert.Throws<NodeUnreachableException>(() => PingOnce(Node("client"), Node("nobody")));
    }

    [Test]
    public void Attaching_a_node_that_is_up_is_rejected()
    {
        var node = Node("twice");
        AttachEcho(node);

        Assert.Throws<InvalidOperationException>(() => AttachEcho(node));
    }

    [Test]
    public void Trace_keeps_readable_lines_up_to_its_capacity()
    {
        network.Options.TraceCapacity = 3;
        var client = Node("client");
        var server = Node("server");
        AttachEcho(server);

        PingOnce(client, server);
        PingOnce(client, server);

        Assert.Multiple(() =>
        {
            Assert.That(network.Trace, Has.Count.EqualTo(3), "capped at the capacity although four events happened");
            Assert.That(network.Trace[0], Does.Contain($"Request {client.Id} -> {server.Id} PingRequest"));
            Assert.That(network.Trace[1], Does.Contain($"Reply {server.Id} -> {client.Id} PingReply"));
        });
    }

    [Test]
    public void Trace_is_empty_by_default()
    {
        var server = Node("server");
        AttachEcho(server);

        PingOnce(Node("client"), server);

        Assert.That(network.Trace, Is.Empty);
    }

    [Test]
    public void Options_reject_values_outside_their_range()
    {
        var options = new SimulatedNetworkOptions();

        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => options.LossRate = 1.5);
            Assert.Throws<ArgumentOutOfRangeException>(() => options.LossRate = double.NaN);
            Assert.Throws<ArgumentOutOfRangeException>(() => options.MinLatency = Ms(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => options.RequestTimeout = TimeSpan.Zero);
            Assert.Throws<ArgumentOutOfRangeException>(() => options.TraceCapacity = -1);
        });
    }

    [Test]
    public void Options_have_the_documented_defaults()
    {
        var options = new SimulatedNetworkOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.MinLatency, Is.EqualTo(Ms(1)));
            Assert.That(options.MaxLatency, Is.EqualTo(Ms(10)));
            Assert.That(options.LossRate, Is.Zero);
            Assert.That(options.RequestTimeout, Is.EqualTo(Ms(500)));
            Assert.That(options.TraceCapacity, Is.Zero);
        });
    }

    [Test]
    public void A_maximum_latency_below_the_minimum_is_reported_when_sending()
    {
        network.Options.MinLatency = Ms(10);
        network.Options.MaxLatency = Ms(5);

        Assert.Throws<InvalidOperationException>(() => network.CreateTransport(Node("client")).SendAsync(Node("server"), Ping));
    }
}
