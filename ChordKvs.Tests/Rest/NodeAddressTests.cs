using System.Net;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Rest;

public class NodeAddressTests
{
    [TestCase("127.0.0.1:7000", "127.0.0.1", 7000)]
    [TestCase("http://10.1.2.3:80", "10.1.2.3", 80)]
    [TestCase("0.0.0.0:7000", "0.0.0.0", 7000)]
    [TestCase("*:7000", "0.0.0.0", 7000)]
    [TestCase("[::1]:7001", "::1", 7001)]
    [TestCase("127.0.0.1:0", "127.0.0.1", 0)]
    public void Parses_listen_addresses(string text, string address, int port)
    {
        var parsed = NodeAddress.TryParseListen(text, out var endpoint, out var error);

        Assert.That((parsed, endpoint?.Address, endpoint?.Port), Is.EqualTo((true, IPAddress.Parse(address), port)), error);
    }

    [Test]
    public void Localhost_listens_on_loopback_by_name()
    {
        var parsed = NodeAddress.TryParseListen("localhost:7000", out var endpoint, out _);

        Assert.That((parsed, endpoint), Is.EqualTo((true, new NodeAddress.ListenEndpoint(null, 7000))));
    }

    [TestCase("127.0.0.1", TestName = "no port")]
    [TestCase("example.org:7000", TestName = "a host name")]
    [TestCase("https://127.0.0.1:7000", TestName = "https")]
    [TestCase("127.0.0.1:7000/path", TestName = "a path")]
    [TestCase("127.0.0.1:99999", TestName = "a port out of range")]
    public void Rejects_what_kestrel_cannot_listen_on(string text)
    {
        Assert.That(NodeAddress.TryParseListen(text, out _, out var error), Is.False, $"'{text}' must be rejected");
        Assert.That(error, Does.Contain(text.Split(':')[0]), "the message quotes what was given");
    }

    [TestCase("http://10.0.0.4:7000/", "http://10.0.0.4:7000")]
    [TestCase("10.0.0.4:7000", "http://10.0.0.4:7000")]
    [TestCase("HTTP://Node-A.Example:7000", "http://node-a.example:7000")]
    [TestCase("https://node.example/chordkvs/", "https://node.example/chordkvs")]
    public void Normalises_base_urls_so_that_identifiers_are_stable(string text, string expected)
    {
        Assert.That(NodeAddress.TryNormalizeBaseUrl(text, out var url, out _) ? url : null, Is.EqualTo(expected));
    }

    [TestCase("ftp://10.0.0.4:7000")]
    [TestCase("http://10.0.0.4:7000/?x=1")]
    [TestCase("http://user:pw@10.0.0.4:7000")]
    public void Rejects_urls_that_are_not_plain_base_urls(string text)
    {
        Assert.That(NodeAddress.TryNormalizeBaseUrl(text, out _, out var error), Is.False, error);
    }
}
