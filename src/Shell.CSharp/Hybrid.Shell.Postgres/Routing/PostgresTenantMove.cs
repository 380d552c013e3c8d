using System.Diagnostics;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// Moves a tenant online from one database of a tenancy map to another: removes what an interrupted earlier move left
/// in the target, holds the tenant's writes (<see cref="TenantWriteGate"/>: in-flight writes finish first), copies
/// every tenant-keyed table (events, streams, head, checkpoints, leases, dead letters) in one target transaction,
/// verifies counts and checksums against the source before committing, switches the route, lets writes through again,
/// and finally deletes the tenant from the old database. Positions, versions, ids and timestamps are copied as they
/// are, so checkpoints and read-model watermarks stay valid. Copied leases are expired, so the next grant in the
/// target raises the fencing token and a node still working from the old database is fenced out.
/// </summary>
/// <remarks>
/// Any failure before the switch rolls back: the target transaction is abandoned, the route stays, writes resume.
/// A process that dies mid-move leaves at worst uncommitted rows (nothing) or committed rows without the switch, which
/// the next move of the tenant removes first, so running the move again resumes it. Both databases need a migration
/// (owner or superuser) connection string: the copy reads and writes every tenant's rows.
/// </remarks>
public sealed class PostgresTenantMove(RoutingEventStore routes, IReadOnlyList<PostgresDatabase> databases, string schema = "hybrid",
    ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    private PostgresDatabase Database(string name) =>
        databases.FirstOrDefault(d => d.Name == name) ?? throw new ArgumentException($"Database '{name}' is not configured.", nameof(name));

    private static string Admin(PostgresDatabase database) => database.MigrationConnectionString
        ?? throw new InvalidOperationException($"Database {database} has no migration connection string: a move needs one on both sides.");

    /// <summary>Moves the tenant to the database named <paramref name="to"/> (nothing happens when it lives there already).</summary>
    public async Task<TenantMoveReport> MoveAsync(string tenant, string to, CancellationToken ct = default)
    {
        StoreInput.Tenant(tenant);
        var from = await routes.Map.DatabaseOf(tenant, ct);
        var empty = new Dictionary<string, long>();
        if (from == to) return new TenantMoveReport(tenant, from, to, empty, TimeSpan.Zero, 0);
        await routes.Databases.Open(from, ct);
        await routes.Databases.Open(to, ct);
        await using var source = new NpgsqlConnection(Admin(Database(from)));
        await using var target = new NpgsqlConnection(Admin(Database(to)));
        await source.OpenAsync(ct);
        await target.OpenAsync(ct);
        var tables = await TenantTables.ReadAsync(source, schema, ct);
        var leftovers = await tables.DeleteAsync(target, tenant, ct);
        if (leftovers > 0) _logger.LogWarning("Tenant {Tenant}: removed {Rows} rows an interrupted move left in database {To}.", tenant, leftovers, to);

        await routes.Gate.Pause(tenant, ct);
        var paused = Stopwatch.StartNew();
        var switched = false;
        try
        {
            var rows = await CopyVerified(tables, source, target, tenant, from, to, ct);
            await routes.Map.Assign(tenant, to, ct);
            switched = true;
            routes.Gate.Resume(tenant);
            var pause = paused.Elapsed;
            _logger.LogInformation("Tenant {Tenant} moved from {From} to {To}: {Rows} rows, writes held for {Pause} ms.",
                tenant, from, to, rows.Values.Sum(), pause.TotalMilliseconds);
            await tables.DeleteAsync(source, tenant, ct);
            return new TenantMoveReport(tenant, from, to, rows, pause, leftovers);
        }
        finally
        {
            if (!switched) routes.Gate.Resume(tenant);
        }
    }

    private static async Task<Dictionary<string, long>> CopyVerified(TenantTables tables, NpgsqlConnection source, NpgsqlConnection target,
        string tenant, string from, string to, CancellationToken ct)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var transaction = await target.BeginTransactionAsync(ct);
        foreach (var (table, columns) in tables.Tables)
            await tables.CopyAsync(source, target, table, columns, tenant, ct);
        foreach (var (table, columns) in tables.Tables)
        {
            var expected = await tables.ChecksumAsync(source, table, columns, tenant, ct);
            var actual = await tables.ChecksumAsync(target, table, columns, tenant, ct);
            if (expected != actual)
                throw new TenantMoveFailedException(
                    $"Tenant '{tenant}': the copy of {table} from database '{from}' to '{to}' does not verify ({expected.Count} rows, md5 {expected.Checksum} " +
                    $"vs {actual.Count} rows, md5 {actual.Checksum}); the move is rolled back and the tenant stays in '{from}'.");
            rows[table] = actual.Count;
        }
        await tables.ExpireLeasesAsync(target, tenant, ct);
        await transaction.CommitAsync(ct);
        return rows;
    }
}
