using Hybrid.Sample.Host;
using Hybrid.Shell.Postgres;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>No default passwords: the operator's password is set when the role is created, and never changed after.</summary>
public sealed class ApplicationRolePasswordTests
{
    private static async Task<string?> PasswordHashAsync(string admin, string role)
    {
        await using var connection = await Sql.OpenAsync(admin);
        return await connection.ScalarAsync("SELECT rolpassword FROM pg_authid WHERE rolname = @r", ("r", role)) as string;
    }

    [Fact]
    public async Task the_password_is_set_when_the_role_is_created_and_a_later_migration_never_changes_it()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var names = new PostgresSchemaNames(ApplicationRole: $"app_{Guid.NewGuid():N}"[..20]);
        try
        {
            await PostgresMigrations.ApplyAsync(admin, names, applicationRolePassword: "chosen by the operator");
            var hash = await PasswordHashAsync(admin, names.ApplicationRole);
            Assert.StartsWith("SCRAM-SHA-256$", hash);

            var second = await PostgresTestServer.CreateDatabaseAsync();
            await PostgresMigrations.ApplyAsync(second, names, applicationRolePassword: "another node's idea");
            await PostgresMigrations.ApplyAsync(admin, names, applicationRolePassword: "another node's idea");
            Assert.Equal(hash, await PasswordHashAsync(admin, names.ApplicationRole));
        }
        finally
        {
            await DropRoleAsync(admin, names.ApplicationRole);
        }
    }

    [Fact]
    public async Task without_a_password_the_role_is_created_with_none()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var names = new PostgresSchemaNames(ApplicationRole: $"app_{Guid.NewGuid():N}"[..20]);
        try
        {
            await PostgresMigrations.ApplyAsync(admin, names);
            Assert.Null(await PasswordHashAsync(admin, names.ApplicationRole));
        }
        finally
        {
            await DropRoleAsync(admin, names.ApplicationRole);
        }
    }

    [Fact]
    public void the_sample_takes_the_password_from_the_option_then_the_environment_and_has_no_default()
    {
        Assert.Equal("opt", ApplicationPassword.Resolve("opt", _ => "env"));
        Assert.Equal("env", ApplicationPassword.Resolve(null, v => v == ApplicationPassword.EnvironmentVariable ? "env" : null));
        Assert.Null(ApplicationPassword.Resolve(null, _ => null));
        Assert.Null(ApplicationPassword.Resolve("", _ => ""));
    }

    // The role was granted privileges in the test's databases; dropping it needs those revoked first.
    private static async Task DropRoleAsync(string admin, string role)
    {
        foreach (var database in await DatabasesGrantingAsync(admin, role))
        {
            await using var connection = await Sql.OpenAsync(new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString);
            await connection.ExecuteAsync($"DROP OWNED BY {role}");
        }
        await using var main = await Sql.OpenAsync(admin);
        await main.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
    }

    private static async Task<List<string>> DatabasesGrantingAsync(string admin, string role)
    {
        await using var connection = await Sql.OpenAsync(admin);
        return await connection.ColumnAsync<string>(
            "SELECT datname FROM pg_database WHERE datacl::text LIKE '%' || @r || '=%'", ("r", role));
    }
}
