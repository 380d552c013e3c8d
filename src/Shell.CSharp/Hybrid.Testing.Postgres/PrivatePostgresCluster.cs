// A throwaway PostgreSQL cluster in a temp directory on 127.0.0.1, for tests and benchmarks. Not for production.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Hybrid.Testing.Postgres;

/// <summary>
/// A private PostgreSQL cluster created with <c>initdb</c> and run with <c>pg_ctl</c> in a temp directory, listening on
/// 127.0.0.1 at a free port with trust authentication. When the process runs as root the tools run as the
/// <c>postgres</c> OS user (<c>runuser -u postgres --</c>), because PostgreSQL refuses to run as root.
/// Binaries come from <c>HYBRID_PG_BIN</c> or the newest <c>/usr/lib/postgresql/*/bin</c>.
/// </summary>
public sealed class PrivatePostgresCluster : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private readonly PrivatePostgresClusterOptions _options;
    private bool _running;

    private PrivatePostgresCluster(string bin, string directory, int port, PrivatePostgresClusterOptions options)
    {
        _bin = bin;
        Directory = directory;
        Port = port;
        _options = options;
        _asPostgresUser = geteuid() == 0;
    }

    /// <summary>The cluster's directory (data folder, log and socket), deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string for the <c>postgres</c> superuser to the <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    /// <summary>The server log's path.</summary>
    public string LogFile => Path.Combine(Directory, "log");

    private string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>Creates and starts a cluster. Throws when the PostgreSQL binaries are missing, saying how to install them.</summary>
    public static async Task<PrivatePostgresCluster> StartAsync(PrivatePostgresClusterOptions? options = null, CancellationToken ct = default)
    {
        var bin = FindBinaries();
        SweepStaleDirectories();
        var directory = Path.Combine(Path.GetTempPath(), $"hybrid-pg-{Guid.NewGuid():N}"[..20]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new PrivatePostgresCluster(bin, directory, FreePort(), options ?? new PrivatePostgresClusterOptions());
        try
        {
            await cluster.InitAsync(ct).ConfigureAwait(false);
            await cluster.StartServerAsync(ct).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The folder holding <c>initdb</c> and <c>pg_ctl</c>: <c>HYBRID_PG_BIN</c>, else the newest /usr/lib/postgresql/*/bin.</summary>
    public static string FindBinaries()
    {
        var fromEnv = Environment.GetEnvironmentVariable("HYBRID_PG_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (File.Exists(Path.Combine(fromEnv, "pg_ctl"))) return fromEnv;
            throw new InvalidOperationException($"HYBRID_PG_BIN is '{fromEnv}', but it holds no pg_ctl.");
        }
        const string root = "/usr/lib/postgresql";
        var candidates = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(c => File.Exists(Path.Combine(c.Bin, "pg_ctl")) && File.Exists(Path.Combine(c.Bin, "initdb")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        if (candidates.Count == 0)
            throw new InvalidOperationException(
                "PostgreSQL server binaries were not found in /usr/lib/postgresql/*/bin (or HYBRID_PG_BIN). " +
                "Install them with: apt-get install -y postgresql   (or set HYBRID_TEST_POSTGRES to a connection string).");
        return candidates[0].Bin;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are terminated) and starts it again on the same port and data.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync(ct).ConfigureAwait(false);
        await StartServerAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops the server, keeping its data; <see cref="RestartAsync"/> or dispose afterwards.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!_running) return;
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], ct).ConfigureAwait(false);
        _running = false;
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await StopAsync().ConfigureAwait(false); }
        catch (InvalidOperationException) { /* already gone: the directory is deleted below anyway */ }
        DeleteDirectory();
    }

    /// <summary>
    /// Stops the server at once (immediate shutdown: the data is thrown away anyway) and deletes its directory, from a
    /// detached shell that finishes even when this process is killed right after: for process-exit handlers.
    /// </summary>
    public void Dispose()
    {
        if (!_running)
        {
            DeleteDirectory();
            return;
        }
        _running = false;
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        var stop = _asPostgresUser ? "runuser -u postgres -- \"$1\" -D \"$2\" -m immediate -w stop" : "\"$1\" -D \"$2\" -m immediate -w stop";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in new[] { "-c", $"{stop} >/dev/null 2>&1; rm -rf \"$3\"", "sh", pgCtl, DataDirectory, Directory }) start.ArgumentList.Add(a);
        using var cleanup = Process.Start(start);
        cleanup?.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>Deletes cluster directories of earlier runs whose server is gone (a test host killed before cleaning up).</summary>
    private static void SweepStaleDirectories()
    {
        foreach (var stale in System.IO.Directory.GetDirectories(Path.GetTempPath(), "hybrid-pg-*"))
        {
            try
            {
                var old = System.IO.Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddMinutes(-10);
                if (old && !File.Exists(Path.Combine(stale, "data", "postmaster.pid"))) System.IO.Directory.Delete(stale, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private async Task InitAsync(CancellationToken ct)
    {
        if (_asPostgresUser) await RunAsync("chown", [OsUser, Directory], ct).ConfigureAwait(false);
        await RunToolAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct)
            .ConfigureAwait(false);
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var settings = new StringBuilder($"-c listen_addresses=127.0.0.1 -p {Port} -k {Directory}");
        settings.Append($" -c max_connections={_options.MaxConnections}");
        if (!_options.Durable) settings.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        foreach (var (name, value) in _options.Settings) settings.Append($" -c {name}={value}");
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", settings.ToString(), "-w", "-t", "60", "start"], ct)
            .ConfigureAwait(false);
        _running = true;
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var path = Path.Combine(_bin, tool);
        return _asPostgresUser ? RunAsync("runuser", ["-u", OsUser, "--", path, .. arguments], ct) : RunAsync(path, arguments, ct);
    }

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? TailOf(LogFile) : "";
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}" +
                $"{await stdout.ConfigureAwait(false)}{log}");
        }
    }

    private static string TailOf(string file)
    {
        try
        {
            var lines = File.ReadAllLines(file);
            return "\nServer log:\n" + string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    private void DeleteDirectory()
    {
        try { if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
        catch (UnauthorizedAccessException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
