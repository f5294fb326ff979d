using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using ChordKvs.Host;
using ChordKvs.Tests.EndToEnd;
using ChordKvs.Tests.Hosting;
using ChordKvs.Tests.Rest.Cluster;
using ChordKvs.Transport.Http;

namespace ChordKvs.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> produces ChordKvs.Core, ChordKvs.Transport.Http and the <c>chordkvs</c> tool, and an application
/// that only references the packages (through a temporary package folder) embeds a node that joins a ring and
/// serves keys. Needs the NuGet feed for the packages' own dependencies.
/// </summary>
[Category("Packaging")]
public sealed class PackedPackagesTests
{
    private const string Secret = "packaging-test-secret";
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private string workspace = null!;

    [SetUp]
    public void CreateWorkspace()
    {
        workspace = Path.Combine(Path.GetTempPath(), "chordkvs-packaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
    }

    [TearDown]
    public void DeleteWorkspace() => Directory.Delete(workspace, recursive: true);

    [Test]
    public async Task An_application_built_from_the_packages_embeds_a_node_that_joins_a_ring_and_serves_keys()
    {
        // A version of its own, so that no package of an earlier run is taken from the NuGet cache.
        var version = "0.0.0-test." + Guid.NewGuid().ToString("N")[..12];
        var packages = Path.Combine(workspace, "packages");
        var (repository, configuration) = RepositoryAndConfiguration();
        await RunDotnetAsync(repository, "pack", Path.Combine(repository, "ChordKvs.sln"), "--no-build", "-c", configuration, "-o", packages, "-p:Version=" + version);

        AssertPackage(packages, "ChordKvs.Core", version, "lib/net10.0/ChordKvs.Core.dll", "lib/net10.0/ChordKvs.Core.xml", "README.md");
        AssertPackage(packages, "ChordKvs.Transport.Http", version, "lib/net10.0/ChordKvs.Transport.Http.dll", "lib/net10.0/ChordKvs.Transport.Http.xml", "README.md");
        AssertPackage(packages, "chordkvs", version, "tools/net10.0/any/chordkvs.dll", "tools/net10.0/any/DotnetToolSettings.xml", "README.md");
        using (var tool = ZipFile.OpenRead(Path.Combine(packages, $"chordkvs.{version}.nupkg")))
        using (var settings = new StreamReader(tool.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open()))
        {
            Assert.That(await settings.ReadToEndAsync(), Does.Contain("Name=\"chordkvs\""), "the tool's command is chordkvs");
        }

        var consumer = WriteConsumer(packages, version);
        var output = Path.Combine(workspace, "out");
        await RunDotnetAsync(consumer, "build", consumer, "-c", "Release", "-o", output);

        await using var nodes = new SingleNodes();
        var ringNode = await nodes.StartAsync(new Dictionary<string, string?> { [nameof(ChordKvsNodeOptions.ClusterSecret)] = Secret });
        var ringUrl = SingleNodes.Url(ringNode);
        using var embedded = NodeProcess.Start("the application built from the packages", Path.Combine(output, "Consumer.dll"), ["--listen", "127.0.0.1:0", "--join", ringUrl, "--secret", Secret], new Dictionary<string, string>());
        var embeddedUrl = await embedded.WaitForAddressAsync(Deadline);
        var notFormed = await RingFormation.WaitAsync(nodes.Client, [ringUrl, embeddedUrl], 1, Deadline, TimeProvider.System, CancellationToken.None);
        Assert.That(notFormed, Is.Null, $"the embedded node and the test's node form one ring.{Environment.NewLine}{embedded.RecentOutput()}");

        await PutThenGetAsync(nodes.Client, embeddedUrl, ringUrl, "packaged/one", "{\"through\":\"the embedded node\"}");
        await PutThenGetAsync(nodes.Client, ringUrl, embeddedUrl, "packaged/two", "[2]");
    }

    private static async Task PutThenGetAsync(HttpClient client, string writer, string reader, string key, string json)
    {
        using (var put = await client.PutAsync(new Uri($"{writer}/kv/{key}"), new StringContent(json, Encoding.UTF8, "application/json")))
        {
            await ResponseAssert.StatusAsync(put, HttpStatusCode.Created, $"PUT {key} through {writer}");
        }

        using var get = await client.GetAsync(new Uri($"{reader}/kv/{key}"));
        await ResponseAssert.StatusAsync(get, HttpStatusCode.OK, $"GET {key} through {reader}");
        Assert.That(await get.Content.ReadAsStringAsync(), Is.EqualTo(json), $"{key} reads back as written through the other node");
    }

    private static void AssertPackage(string folder, string id, string version, params string[] entries)
    {
        var path = Path.Combine(folder, $"{id}.{version}.nupkg");
        Assert.That(File.Exists(path), Is.True, $"dotnet pack produced {id}.{version}.nupkg; the folder holds: {string.Join(", ", Directory.GetFiles(folder).Select(Path.GetFileName))}");
        using var package = ZipFile.OpenRead(path);
        var names = package.Entries.Select(entry => entry.FullName).ToList();
        Assert.That(names, Is.SupersetOf(entries), $"{id} carries its assembly, its XML docs (or tool settings) and the README");
        using var nuspec = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
        var metadata = nuspec.ReadToEnd();
        Assert.That(metadata, Does.Contain("<license type=\"expression\">MIT</license>").And.Contain("<readme>README.md</readme>").And.Contain("<repository type=\"git\"").And.Contain("<tags>").And.Contain("<description>"),
            $"{id} has the license, readme, repository, tags and description metadata");
    }

    /// <summary>A web application that references only the packed ChordKvs.Transport.Http and embeds a node.</summary>
    private string WriteConsumer(string packages, string version)
    {
        var folder = Path.Combine(workspace, "consumer");
        Directory.CreateDirectory(folder);

        // Empty files stop MSBuild's upward search, so nothing above the temporary folder changes the build.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(folder, name), "<Project />");
        }

        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="chordkvs-packed" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ChordKvs.Transport.Http" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            using ChordKvs.Transport.Http;

            // Arguments as the test's process helper passes them: node --listen HOST:PORT --join URL --secret S.
            var options = args.SkipWhile(argument => argument == "node").Chunk(2).ToDictionary(pair => pair[0], pair => pair[1]);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Services.AddChordKvs(node =>
            {
                node.ListenAddress = options["--listen"];
                node.JoinUrl = options["--join"];
                node.ClusterSecret = options["--secret"];
            });
            var app = builder.Build();
            app.UseRequestTimeouts();
            app.MapChordKvs();
            await app.StartAsync();
            var self = app.Services.GetRequiredService<ChordKvsNodeService>().Self!;
            Console.WriteLine($"Node {self.Id} listening on {self.Address}");
            await app.WaitForShutdownAsync();
            """);
        return folder;
    }

    private static (string Repository, string Configuration) RepositoryAndConfiguration()
    {
        // .../ChordKvs.Tests/bin/<Configuration>/<TargetFramework>: the packed projects were built in the same configuration.
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testOutput))!;
        for (var directory = new DirectoryInfo(testOutput); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChordKvs.sln")))
            {
                return (directory.FullName, configuration);
            }
        }

        Assert.Fail($"No ChordKvs.sln above {testOutput}: this test packs the solution it was built from.");
        throw new InvalidOperationException();
    }

    private static async Task RunDotnetAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ChordKvsExecutable.DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings must not leak into the child build.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            startInfo.Environment.Remove(variable);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(DotnetTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within {DotnetTimeout.TotalMinutes} minutes.");
        }

        Assert.That(process.ExitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)} failed:{Environment.NewLine}{await stdout}{Environment.NewLine}{await stderr}");
    }
}
