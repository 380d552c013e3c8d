using Npgsql;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>
/// The tables of processor leases and dead letters, separate from the event store's versioned migrations: created
/// with <c>CREATE TABLE IF NOT EXISTS</c> under a transaction advisory lock (so many nodes may start at once) and
/// granted to the application role. Leases are not tenant data; dead letters hold ids, types and errors, not bodies,
/// and are listed across tenants by operators, so neither table has row-level security.
/// </summary>
public static class ProcessingSchema
{
    /// <summary>Creates the tables when missing, with an owner or superuser connection string.</summary>
    public static async Task MigrateAsync(string migrationConnectionString, string schema = "hybrid", string applicationRole = "hybrid_app",
        CancellationToken ct = default)
    {
        Identifier(schema, nameof(schema));
        Identifier(applicationRole, nameof(applicationRole));
        await using var connection = new NpgsqlConnection(migrationConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock(hashtext('hybrid.processing.migrations'));
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.processor_leases (
                resource text PRIMARY KEY,
                owner text NOT NULL,
                fencing_token bigint NOT NULL,
                expires_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS {schema}.dead_letters (
                tenant_id text NOT NULL,
                processor text NOT NULL,
                position bigint NOT NULL,
                event_id uuid NOT NULL,
                event_type text NOT NULL,
                error text NOT NULL,
                attempts integer NOT NULL,
                failed_at timestamptz NOT NULL,
                status smallint NOT NULL,
                PRIMARY KEY (tenant_id, processor, position));
            DO $$ BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{applicationRole}') THEN
                    GRANT USAGE ON SCHEMA {schema} TO {applicationRole};
                    GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.processor_leases, {schema}.dead_letters TO {applicationRole};
                END IF;
            END $$;
            """, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    internal static void Identifier(string value, string field)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63 || !(char.IsAsciiLetterLower(value[0]) || value[0] == '_')
            || !value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"{field}: '{value}' must be a lower-case SQL identifier (letters, digits, '_').", field);
    }
}
