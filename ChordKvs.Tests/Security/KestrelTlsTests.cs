using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChordKvs.Host;
using ChordKvs.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChordKvs.Tests.Security;

/// <summary>A node built as <c>chordkvs node</c> builds it serves TLS from Kestrel's endpoint configuration alone.</summary>
public sealed class KestrelTlsTests
{
    [Test]
    public async Task A_node_configured_with_a_Kestrel_https_endpoint_serves_the_client_api_over_tls()
    {
        var folder = Path.Combine(Path.GetTempPath(), "chordkvs-tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            var path = Path.Combine(folder, "node.pfx");
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));

            await using var app = NodeApplication.Build(
                new Dictionary<string, string?>
                {
                    ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
                    ["Kestrel:Endpoints:Https:Certificate:Path"] = path,
                    ["Kestrel:Endpoints:Https:Certificate:Password"] = "pfx-password",
                },
                readEnvironment: false,
                logging => logging.ClearProviders(),
                handleSignals: false);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<ChordKvsNodeService>().Self!.Address;

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
            using var client = new HttpClient(handler);
            using var response = await client.GetAsync(new Uri(address + "/cluster"));

            Assert.Multiple(() =>
            {
                Assert.That(address, Does.StartWith("https://127.0.0.1:"), "the node advertises the TLS endpoint Kestrel bound");
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the client API answers over TLS with the configured certificate");
            });
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
