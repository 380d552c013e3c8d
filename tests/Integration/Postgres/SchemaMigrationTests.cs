using System.Diagnostics;
using Hybrid.Shell.Postgres;
using Hybrid.Testing.Postgres;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>The migrations as SQL files: the schema they give, applied by the migrator or by psql from the script.</summary>
public sealed class SchemaMigrationTests
{
    private static string ExpectedPath => Path.Combine(AppContext.BaseDirectory, "Postgres", "expected-schema.txt");

    private static async Task AssertExpectedSchema(string admin)
    {
        var actual = await SchemaDescription.OfAsync(admin);
        var expected = (await File.ReadAllLinesAsync(ExpectedPath)).Where(l => l.Length > 0).ToArray();
        if (expected.SequenceEqual(actual)) return;
        var written = Path.Combine(Path.GetTempPath(), $"hybrid-actual-schema-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(written, actual);
        var missing = expected.Except(actual).Take(5);
        var extra = actual.Except(expected).Take(5);
        Assert.Fail($"The migrated schema differs from Postgres/expected-schema.txt (actual written to {written}).\n" +
                    $"Expected but missing:\n  {string.Join("\n  ", missing)}\nPresent but not expected:\n  {string.Join("\n  ", extra)}");
    }

    [Fact]
    public async Task applying_every_migration_to_an_empty_database_gives_the_schema_the_code_expects()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        Assert.Equal(PostgresMigrations.Versions, await PostgresMigrations.ApplyAsync(admin));
        await AssertExpectedSchema(admin);
    }

    [Fact]
    public async Task applying_the_migrations_twice_changes_nothing()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await PostgresMigrations.ApplyAsync(admin);
        var once = await SchemaDescription.OfAsync(admin);
        await using var connection = await Sql.OpenAsync(admin);
        var history = await connection.ColumnAsync<string>("SELECT format('%s %s %s %s', version, description, checksum, applied_at) FROM hybrid.schema_migrations ORDER BY version");

        Assert.Empty(await PostgresMigrations.ApplyAsync(admin));
        Assert.Equal(once, await SchemaDescription.OfAsync(admin));
        Assert.Equal(history, await connection.ColumnAsync<string>("SELECT format('%s %s %s %s', version, description, checksum, applied_at) FROM hybrid.schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task an_applied_migration_whose_sql_changed_is_refused()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await PostgresMigrations.ApplyAsync(admin);
        await using (var connection = await Sql.OpenAsync(admin))
            await connection.ExecuteAsync("UPDATE hybrid.schema_migrations SET checksum = 'edited' WHERE version = 2");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresMigrations.ApplyAsync(admin));
        Assert.Contains("migration 2 (matching positions)", refused.Message);
    }

    [Fact]
    public async Task the_script_applied_by_psql_gives_the_same_schema_and_a_migrated_database_has_nothing_pending()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var script = await PostgresMigrations.ScriptAsync(connectionString: null);
        Assert.DoesNotContain("PASSWORD '", script.Replace("PASSWORD '...'", ""));
        var file = Path.Combine(Path.GetTempPath(), $"hybrid-migrations-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, script);
        try
        {
            await RunPsqlAsync(admin, file);
        }
        finally
        {
            File.Delete(file);
        }
        await AssertExpectedSchema(admin);
        Assert.Empty(await PostgresMigrations.ApplyAsync(admin));
        Assert.Contains("no pending migrations", await PostgresMigrations.ScriptAsync(admin));
    }

    private static async Task RunPsqlAsync(string connectionString, string file)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var psql = Path.Combine(PrivatePostgresCluster.FindBinaries(), "psql");
        var start = new ProcessStartInfo(psql) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, "-d", cs.Database!, "-f", file })
            start.ArgumentList.Add(arg);
        if (cs.Password is { } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"psql failed: {await errors}");
    }
}
