using System.Net;
using System.Net.Sockets;

namespace Hybrid.Sample.Host;

/// <summary>
/// Finds a port of <c>--urls</c> that another process already listens on, before anything starts: the operator gets
/// one line naming it instead of a host that migrates, starts its processors and then fails to bind.
/// </summary>
internal static class ListenCheck
{
    /// <summary>What keeps the URLs from being listened on, or null when every explicit port is free.</summary>
    public static string? Problem(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normal = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normal, UriKind.Absolute, out var uri) || uri.Port == 0) continue;
            var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : null;
            if (address is null) continue;
            try
            {
                using var probe = new TcpListener(address, uri.Port);
                probe.Start();
                probe.Stop();
            }
            catch (SocketException e)
            {
                return $"cannot listen on {url}: {e.Message}";
            }
        }
        return null;
    }
}
