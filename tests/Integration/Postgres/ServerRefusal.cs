using Hybrid.Shell.Postgres;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// Refusals validation cannot foresee: a test-only CHECK constraint on the events table that refuses any body with a
/// top-level "refuse" key, as a server limit or a constraint of an operator's own would, and a unique index on a
/// body's "unique" value, which refuses an event only when another holds the same value.
/// </summary>
public static class ServerRefusal
{
    /// <summary>A body the test database refuses (SQLSTATE 23514), though it is valid input.</summary>
    public const string RefusedBody = """{"refuse":true}""";

    /// <summary>A migrated store on a fresh database whose events table refuses <see cref="RefusedBody"/>.</summary>
    public static async Task<(PostgresEventStore Store, string Admin)> CreateStoreAsync(Func<PostgresEventStoreOptions, PostgresEventStoreOptions>? configure = null)
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        var store = await PostgresEventStore.CreateAsync(configure is null ? options : configure(options));
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await connection.ExecuteAsync("ALTER TABLE hybrid.events ADD CONSTRAINT test_refuses_marked_bodies CHECK (NOT (data::jsonb ? 'refuse'))");
        // Refusals that depend on each other: a body's "unique" value may be stored once per database.
        await connection.ExecuteAsync("CREATE UNIQUE INDEX test_unique_values ON hybrid.events ((data->>'unique'))");
        return (store, admin);
    }

    /// <summary>An event whose body the test database refuses.</summary>
    public static EventData Refused(string type = "Refused", string? stream = null) => new(type, [], stream!, RefusedBody, 1);
}
