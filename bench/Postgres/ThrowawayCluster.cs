// A private PostgreSQL cluster in a temp folder on 127.0.0.1 and a free port, for one benchmark run.
// Until the store's own test cluster lands on main, the bench starts its own (the DESIGN.md recipe).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hybrid.Bench.Postgres;

/// <summary>Starts and stops a throwaway PostgreSQL 15 cluster; as root the tools run as the postgres OS user.</summary>
public sealed class ThrowawayCluster : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _root;
    private readonly int _port;

    private ThrowawayCluster(string root, int port)
    {
        _root = root;
        _port = port;
    }

    /// <summary>A superuser connection string to the cluster's postgres database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=200;No Reset On Close=true";

    /// <summary>Creates and starts a cluster tuned for benchmarks (fsync stays on: commit costs are part of what is measured).</summary>
    public static async Task<ThrowawayCluster> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
            throw new InvalidOperationException($"PostgreSQL binaries are missing in {BinDir}: install them with 'apt-get install -y postgresql-15', or set HYBRID_TEST_POSTGRES to a connection string.");
        var root = Path.Combine(Path.GetTempPath(), $"hybrid-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        if (IsRoot) await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        var port = FreePort();
        var cluster = new ThrowawayCluster(root, port);
        await RunTool("initdb", "-D", Path.Combine(root, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var settings = $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=300 -c shared_buffers=512MB -c synchronous_commit=on";
        await RunTool("pg_ctl", "-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "log"), "-o", settings, "-w", "start");
        return cluster;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try { await RunTool("pg_ctl", "-D", Path.Combine(_root, "data"), "-m", "fast", "-w", "stop"); }
        finally { Directory.Delete(_root, recursive: true); }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static Task RunTool(string tool, params string[] args) => RunAsync(Path.Combine(BinDir, tool), args, IsRoot);

    private static async Task RunAsync(string file, string[] args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/tmp",
        };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
