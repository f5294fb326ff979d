using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace ChordKvs.Transport.Http;

/// <summary>Parses the listen, advertised and join addresses of <see cref="ChordKvsNodeOptions"/>.</summary>
internal static class NodeAddress
{
    /// <summary>Where to listen: one IP address (<see cref="IPAddress.Any"/> for every interface) or localhost, and a port.</summary>
    /// <param name="Address">The IP address; null for <c>localhost</c>.</param>
    /// <param name="Port">The port; 0 picks a free one.</param>
    public sealed record ListenEndpoint(IPAddress? Address, int Port)
    {
        /// <summary>Whether this binds every interface, so that the bound address is no use to other machines.</summary>
        public bool IsWildcard => Address is not null && (Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any));
    }

    /// <summary>Parses <c>HOST:PORT</c> or <c>http://HOST:PORT</c>.</summary>
    public static bool TryParseListen(string text, [NotNullWhen(true)] out ListenEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        endpoint = null;
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text.Replace("*", "0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.PathAndQuery is not ("/" or "") || !HasExplicitPort(text))
        {
            error = $"The listen address '{text}' is not HOST:PORT (such as 127.0.0.1:7000, 0.0.0.0:7000 or localhost:7000); ChordKvs listens on plain HTTP.";
            return false;
        }

        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            endpoint = new ListenEndpoint(null, uri.Port);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            endpoint = new ListenEndpoint(ip, uri.Port);
        }
        else
        {
            error = $"The listen address '{text}' names the host '{uri.Host}'; listen on an IP address, localhost or * (every interface), and give other nodes a name through AdvertisedAddress.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Normalises a base URL (advertised or join address): absolute http(s), no query, no trailing slash, host in
    /// lower case. The advertised form decides the node's identifier, so it must be the same on every start.
    /// </summary>
    public static bool TryNormalizeBaseUrl(string text, [NotNullWhen(true)] out string? url, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            url = null;
            error = $"'{text}' is not a base URL such as http://10.0.0.4:7000.";
            return false;
        }

        url = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        error = null;
        return true;
    }

    /// <summary>The URL at which a wildcard or loopback binding can be reached from this machine.</summary>
    public static string LocalUrl(ListenEndpoint endpoint, int boundPort)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var host = endpoint.Address switch
        {
            null => "localhost",
            { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"[{ip}]",
            var ip => ip.ToString(),
        };
        return $"http://{host}:{boundPort}";
    }

    // Uri fills in port 80 when none is written; a node address without a port is almost always a mistake.
    private static bool HasExplicitPort(string text)
    {
        var authority = text.Contains("://", StringComparison.Ordinal) ? text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..] : text;
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var colon = authority.LastIndexOf(':');
        return colon >= 0 && colon > authority.LastIndexOf(']') && colon < authority.Length - 1;
    }
}
