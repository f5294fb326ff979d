namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Finds the built <c>chordkvs.dll</c>: the test project references the Host project, so building the tests
/// builds it. Its own output folder is preferred, where its deps and runtimeconfig files describe it exactly.
/// </summary>
internal static class ChordKvsExecutable
{
    private const string FileName = "chordkvs.dll";

    /// <summary>The full path of chordkvs.dll, or a failed assertion that says where it was looked for.</summary>
    public static string Locate()
    {
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);

        // .../ChordKvs.Tests/bin/<Configuration>/<TargetFramework>: the Host has the same two last segments.
        var framework = Path.GetFileName(testOutput);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testOutput));
        var candidates = new List<string>();
        for (var directory = new DirectoryInfo(testOutput); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChordKvs.sln")))
            {
                candidates.Add(Path.Combine(directory.FullName, "ChordKvs.Host", "bin", configuration!, framework, FileName));
                break;
            }
        }

        candidates.Add(Path.Combine(testOutput, FileName));
        var found = candidates.FirstOrDefault(path => File.Exists(path) && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")));
        if (found is null)
        {
            Assert.Fail($"The built chordkvs.dll (with its runtimeconfig.json) was not found; looked at: {string.Join(", ", candidates)}. Build the solution first.");
        }

        return found!;
    }

    /// <summary>The dotnet host that runs the tests, to run chordkvs.dll with the same runtime.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
