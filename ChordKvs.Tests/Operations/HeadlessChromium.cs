using System.Diagnostics;
using System.Globalization;

namespace ChordKvs.Tests.Operations;

/// <summary>
/// Loads pages in headless Chromium (the Debian package <c>chromium</c>) from the command line: each call starts
/// a fresh browser with a profile of its own, lets the page run for a budget of virtual time (Chromium advances
/// it as fast as the page allows, waiting for network requests), and prints the DOM or saves a screenshot.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Where the Debian package installs the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Whether the browser is installed.</summary>
    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>
    /// Loads the page in a window of <paramref name="width"/> by <paramref name="height"/> pixels, lets its
    /// scripts run for <paramref name="virtualTime"/>, saves a PNG of it when <paramref name="screenshotPath"/> is
    /// given, and returns its DOM as serialised then. One browser run does both, since starting one takes seconds.
    /// </summary>
    public static Task<string> LoadAsync(Uri url, TimeSpan virtualTime, string? screenshotPath = null, int width = 1400, int height = 900) =>
        RunAsync(url, virtualTime, [
            "--dump-dom",
            string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"),
            "--hide-scrollbars",
            .. screenshotPath is null ? Array.Empty<string>() : ["--screenshot=" + screenshotPath]]);

    private static async Task<string> RunAsync(Uri url, TimeSpan virtualTime, string[] output)
    {
        var profile = Directory.CreateTempSubdirectory("chordkvs-chromium-");
        try
        {
            var start = new ProcessStartInfo(ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };

            // No sandbox: tests run as root in containers, where Chromium's sandbox cannot start. The other flags
            // keep the browser from reaching anything but the page under test.
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.FullName,
                "--virtual-time-budget=" + ((long)virtualTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            }.Concat(output).Append(url.AbsoluteUri))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{ExecutablePath} did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ProcessTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish loading {url} within {ProcessTimeout.TotalSeconds} s. Its errors: {await stderr}");
            }

            if (process.ExitCode != 0)
            {
                Assert.Fail($"Chromium exited with code {process.ExitCode} loading {url}. Its errors: {await stderr}");
            }

            return await stdout;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
