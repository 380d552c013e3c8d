using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hybrid.Testing.Nats;

/// <summary>
/// A private NATS server with JetStream for tests and benchmarks: Debian's <c>nats-server</c> on 127.0.0.1, a free port
/// and a temporary JetStream directory, killed and deleted on dispose. It can be stopped and started again on the same
/// port and directory (a broker outage).
/// </summary>
public sealed class PrivateNatsServer : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hybrid-nats-").FullName;
    private Process? _process;

    private PrivateNatsServer(int port) => Port = port;

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The server's URL.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port and waits until it accepts connections.</summary>
    public static async Task<PrivateNatsServer> StartAsync()
    {
        var server = new PrivateNatsServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>The nats-server binary; throws naming how to install it when missing.</summary>
    public static string Binary()
    {
        foreach (var candidate in new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" })
            if (File.Exists(candidate)) return candidate;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "nats-server")).FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException("nats-server was not found: install it with 'apt-get install -y nats-server' (scripts/test.sh does).");
    }

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Binary()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", _directory })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await Task.Delay(100); // JetStream finishes starting just after the port opens
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new InvalidOperationException($"nats-server did not listen on port {Port}.");
    }

    /// <summary>Kills the server (its JetStream directory stays).</summary>
    public void Stop()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    public void Dispose()
    {
        Stop();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
