using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ChordKvs.Core.Ring;
using ChordKvs.Tests.Operations;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Rest.Cluster;

/// <summary>The dashboard at <c>GET /</c>: its assets over HTTP, and the ring it draws in a real (headless) browser.</summary>
public sealed partial class DashboardTests
{
    private static readonly TimeSpan DrawDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PageRunTime = TimeSpan.FromSeconds(3);

    private static KvCluster Cluster => ThreeNodeCluster.Instance;

    [Test]
    public async Task The_page_script_and_style_sheet_are_served_from_the_node_itself()
    {
        using var page = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[0] + "/"));
        await ResponseAssert.StatusAsync(page, HttpStatusCode.OK, "GET /");
        var html = await page.Content.ReadAsStringAsync();
        using var script = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[0] + "/dashboard/dashboard.js"));
        using var style = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[0] + "/dashboard/dashboard.css"));
        using var missing = await Cluster.Client.GetAsync(new Uri(Cluster.Urls[0] + "/dashboard/other.js"));

        Assert.Multiple(() =>
        {
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(html, Does.Contain("<svg id=\"ring\"").And.Contain("src=\"dashboard/dashboard.js\""), "the page holds the ring's drawing area and loads its script");
            Assert.That(html, Does.Not.Contain("://"), "the page loads nothing from another server");
            Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the script is served");
            Assert.That(script.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(style.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/css"));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "only the dashboard's own assets are served");
        });
    }

    [Test]
    [Category("Browser")]
    public async Task A_browser_draws_every_node_of_the_ring_and_highlights_the_successors()
    {
        if (!HeadlessChromium.IsInstalled)
        {
            Assert.Ignore($"Headless Chromium is not installed at {HeadlessChromium.ExecutablePath}; install it with 'apt-get install -y chromium' to run the dashboard in a browser.");
        }

        for (var i = 0; i < 12; i++)
        {
            // A few keys, so that the screenshot shows the bars of keys stored.
            using var put = await Cluster.PutAsync(i % 3, $"dashboard-{i}", $"{{\"n\":{i}}}");
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, "PUT of a new key");
        }

        var page = new Uri(Cluster.Urls[0] + "/");
        var expected = Cluster.Urls.Select(url => NodeId.ForNode(url).ToString()).ToList();
        var self = await Cluster.Client.GetFromJsonAsync(new Uri(Cluster.Urls[0] + "/cluster"), ClientApiJsonContext.Default.NodeStatus);

        // The page fills itself from /cluster and /cluster/nodes; load it until it has drawn every node.
        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard.png");
        var waited = Stopwatch.StartNew();
        Dictionary<string, string> drawn;
        string dom;
        do
        {
            dom = await HeadlessChromium.LoadAsync(page, PageRunTime, screenshot);
            drawn = DrawnNodes().Matches(dom).ToDictionary(match => match.Groups["id"].Value, match => match.Groups["class"].Value);
        }
        while (!expected.All(drawn.ContainsKey) && waited.Elapsed < DrawDeadline);

        Assert.Multiple(() =>
        {
            Assert.That(drawn.Keys, Is.EquivalentTo(expected), $"the ring shows exactly the cluster's three nodes by identifier. Page body: {Body(dom)}");
            Assert.That(drawn.GetValueOrDefault(expected[0]), Does.Contain("self"), "the viewing node is marked as itself");
            foreach (var successor in self!.Successors.Where(node => node.Id != self.Node.Id))
            {
                Assert.That(drawn.GetValueOrDefault(successor.Id.ToString()), Does.Contain("successor"), $"successor {successor.Address} is highlighted");
            }

            Assert.That(dom, Does.Contain("data-state=\"ready\""), "the page says it has rendered fresh data");
            Assert.That(TableRows().Matches(dom).Select(match => match.Groups["id"].Value), Is.EquivalentTo(expected), "the table lists every node once");
        });

        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{screenshot} is a PNG");
        TestContext.Out.WriteLine($"Dashboard screenshot: {screenshot}");
        TestContext.AddTestAttachment(screenshot, "The dashboard of a three-node ring");
    }

    private static string Body(string dom)
    {
        var start = dom.IndexOf("<body", StringComparison.Ordinal);
        return start < 0 ? dom : dom[start..Math.Min(dom.Length, start + 2000)];
    }

    [GeneratedRegex("<g class=\"(?<class>node[^\"]*)\" data-node-id=\"(?<id>[0-9a-f]{16})\"")]
    private static partial Regex DrawnNodes();

    [GeneratedRegex("<tr data-node-id=\"(?<id>[0-9a-f]{16})\"")]
    private static partial Regex TableRows();
}
