using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// A TCP proxy in front of a PostgreSQL server whose open connections can be cut as a network partition cuts them:
/// <see cref="Partition"/> makes them drop every byte both ways while their sockets stay open (no FIN, no RST: half-open
/// to both ends); connections made afterwards work.
/// </summary>
internal sealed class PartitionableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _server;
    private readonly ConcurrentBag<Link> _links = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private PartitionableProxy(EndPoint server)
    {
        _server = server;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A proxy to the server of the connection string (TCP, or the Unix socket a Host path names).</summary>
    public static PartitionableProxy To(string connectionString)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var host = cs.Host ?? "127.0.0.1";
        EndPoint server = host.StartsWith('/') ? new UnixDomainSocketEndPoint(Path.Combine(host, $".s.PGSQL.{cs.Port}")) : new DnsEndPoint(host, cs.Port);
        return new PartitionableProxy(server);
    }

    /// <summary>The connection string through the proxy.</summary>
    public string Through(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.ConnectionString;

    /// <summary>Every connection open now stops carrying bytes, both ways, without being closed.</summary>
    public void Partition()
    {
        foreach (var link in _links) link.Partitioned = true;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            var server = new Socket(_server.AddressFamily == AddressFamily.Unix ? AddressFamily.Unix : AddressFamily.InterNetwork, SocketType.Stream,
                _server.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            try { await server.ConnectAsync(_server, _stop.Token); }
            catch (Exception)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            var link = new Link(client, server);
            _links.Add(link);
            _ = PumpAsync(link, client, server);
            _ = PumpAsync(link, server, client);
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) break;
                if (!link.Partitioned) await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
            if (!link.Partitioned) to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // A side closed or the proxy stops: the other pump ends with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var link in _links) link.Dispose();
        _stop.Dispose();
    }

    private sealed class Link(Socket client, Socket server) : IDisposable
    {
        public volatile bool Partitioned;

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
