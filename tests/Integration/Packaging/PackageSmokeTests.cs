using System.Diagnostics;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Packaging;

/// <summary>
/// Runs scripts/package-smoke.sh: every package packed into a local folder feed, a fresh application built from that
/// feed only, run on the in-memory store and on PostgreSQL with the LMDB cache loading its native library from the package.
/// </summary>
public sealed class PackageSmokeTests
{
    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hybrid.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Hybrid.sln not found above the test output.");
    }

    [Fact]
    public async Task the_packed_packages_build_and_run_a_fresh_application_on_the_in_memory_store_and_on_postgres()
    {
        var root = RepositoryRoot();
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_smoke");
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "package-smoke.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["HYBRID_SMOKE_POSTGRES"] = database;
        start.Environment["HYBRID_SMOKE_CONFIGURATION"] = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}")
            ? "Debug" : "Release";
        using var script = Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await script.WaitForExitAsync(timeout.Token);
        var log = await output + await errors;
        Assert.True(script.ExitCode == 0, log);
        Assert.Contains("mode=inmemory total=3", log);
        Assert.Contains("mode=postgres total=3", log);
        Assert.Contains("runtimes/linux-x64/native/lmdb.so", log);
        Assert.Contains("package-smoke: ok", log);
    }
}
