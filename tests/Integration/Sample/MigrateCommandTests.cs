using Hybrid.Shell.Postgres;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>`hybrid-sample migrate` as a DBA runs it: apply, or print the SQL.</summary>
public sealed class MigrateCommandTests
{
    [Fact]
    public async Task migrate_applies_every_migration_then_finds_the_database_up_to_date()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_migrate_cli");
        var latest = PostgresMigrations.Versions[^1];
        using (var first = ServeProcess.Start("migrate", "--postgres", database))
        {
            Assert.Equal(0, await first.ExitCode());
            Assert.Empty(first.Errors);
            Assert.StartsWith($"Applied migrations 1, 2, ", Assert.Single(first.Output));
        }
        using var second = ServeProcess.Start("migrate", "--postgres", database);
        Assert.Equal(0, await second.ExitCode());
        Assert.EndsWith($"is up to date (migration {latest}).", Assert.Single(second.Output));
    }

    [Fact]
    public async Task migrate_script_prints_every_migration_for_a_new_database_and_none_for_a_migrated_one()
    {
        using (var all = ServeProcess.Start("migrate", "--script"))
        {
            Assert.Equal(0, await all.ExitCode());
            Assert.Empty(all.Errors);
            Assert.Contains(all.Output, l => l == "-- 0001-initial-schema/02-table-events.sql");
            Assert.Contains(all.Output, l => l.StartsWith("INSERT INTO hybrid.schema_migrations", StringComparison.Ordinal));
        }
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_migrate_script");
        await PostgresMigrations.ApplyAsync(database);
        using var none = ServeProcess.Start("migrate", "--postgres", database, "--script");
        Assert.Equal(0, await none.ExitCode());
        Assert.Contains(none.Output, l => l.Contains("no pending migrations"));
        Assert.DoesNotContain(none.Output, l => l.StartsWith("-- migration ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task migrate_without_a_connection_string_exits_with_one_line()
    {
        using var migrate = ServeProcess.Start("migrate");
        Assert.Equal(1, await migrate.ExitCode());
        Assert.Equal("migrate: --postgres is required (or give --script to print every migration).", Assert.Single(migrate.Errors));
    }

    [Fact]
    public async Task migrate_with_several_databases_migrates_each_of_them_with_one_line_each()
    {
        var first = await PostgresTestServer.CreateDatabaseAsync("hybrid_migrate_map_a");
        var second = await PostgresTestServer.CreateDatabaseAsync("hybrid_migrate_map_b");
        using var migrate = ServeProcess.Start("migrate", "--postgres", first, "--postgres", second);
        Assert.Equal(0, await migrate.ExitCode());
        Assert.Empty(migrate.Errors);
        Assert.Equal(2, migrate.Output.Count(l => l.StartsWith("Applied migrations 1, 2, ", StringComparison.Ordinal)));
        Assert.Empty(await PostgresMigrations.ApplyAsync(second));
    }
}
