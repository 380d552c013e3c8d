using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// Moves a tenant online from one database of a tenancy map to another, safely for every node sharing the map:
/// <list type="number">
/// <item>Begun: the map records the move (route version raised; the route stays).</item>
/// <item>Fenced: the source refuses the tenant's writes from any node (<c>fence_tenant</c> takes the tenant's row lock,
/// so writes in flight commit first; every later write sees the fence in its own transaction and follows the route).</item>
/// <item>Copied: in one target transaction, leftovers of an earlier attempt are removed, the target's own fence (from a
/// move away from it) is lifted, every tenant-keyed table (events, streams, head, checkpoints, leases, dead letters) is
/// copied and verified by counts and checksums against the source, copied leases are expired (the next grant raises
/// the fencing token); then committed.</item>
/// <item>Switched: the map points the tenant at the target; writes waiting on the fence follow it there.</item>
/// <item>Cleaned: the tenant's rows are deleted from the source; its fence stays, so a node with a stale map still
/// cannot write there.</item>
/// </list>
/// Positions, versions, ids and timestamps are copied as they are, so checkpoints and read-model watermarks stay valid.
/// </summary>
/// <remarks>
/// A failure before the switch rolls back (the source is unfenced, the map forgets the move). A move that stops without
/// running its rollback (its process died, or it was cancelled) leaves the map saying so: <see cref="ResumeAsync"/>
/// finishes it from its last step, <see cref="RollBackAsync"/> undoes it. Both databases need a migration (owner or
/// superuser) connection string: the copy reads and writes every tenant's rows.
/// </remarks>
public sealed class PostgresTenantMove(RoutingEventStore routes, IReadOnlyList<PostgresDatabase> databases, string schema = "hybrid",
    ILogger? logger = null, TimeProvider? clock = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Called after each step (tests stop a move there by cancelling it, as if its process died).</summary>
    public Action<TenantMoveStep>? AfterStep { get; init; }

    private ITenancyMap Map => routes.Map;

    private PostgresDatabase Database(string name) =>
        databases.FirstOrDefault(d => d.Name == name) ?? throw new ArgumentException($"Database '{name}' is not configured.", nameof(name));

    private static string Admin(PostgresDatabase database) => database.MigrationConnectionString
        ?? throw new InvalidOperationException($"Database {database} has no migration connection string: a move needs one on both sides.");

    /// <summary>
    /// Moves the tenant to the database named <paramref name="to"/> (nothing happens when it lives there already; the
    /// same move stopped earlier is resumed). Throws an <see cref="InvalidOperationException"/> while another move of it
    /// is under way.
    /// </summary>
    public async Task<TenantMoveReport> MoveAsync(string tenant, string to, CancellationToken ct = default)
    {
        StoreInput.Tenant(tenant);
        Database(to);
        var route = await Map.RouteOf(tenant, ct);
        if (route.MovingTo is { } other && other != to)
            throw new InvalidOperationException($"Tenant '{tenant}' is moving to database '{other}' already: resume or roll back that move first.");
        if (route.MovingTo is null && route.Database == to) return new TenantMoveReport(tenant, to, to, new Dictionary<string, long>(), TimeSpan.Zero, 0);
        return await Run(tenant, route.Database, to, ct);
    }

    /// <summary>
    /// Finishes a move that stopped: from its last step when the switch had not happened, else by removing the tenant's
    /// rows from the databases that fence it. Returns the report of the finished move, or null when only leftovers were removed.
    /// </summary>
    public async Task<TenantMoveReport?> ResumeAsync(string tenant, CancellationToken ct = default)
    {
        var route = await Map.RouteOf(tenant, ct);
        if (route.MovingTo is { } to) return await Run(tenant, route.Database, to, ct);
        foreach (var other in databases.Where(d => d.Name != route.Database))
        {
            await using var connection = await Open(other, ct);
            if (await TenantFence.IsFencedAsync(connection, schema, tenant, ct))
                await (await TenantTables.ReadAsync(connection, schema, ct)).DeleteAsync(connection, tenant, ct);
        }
        return null;
    }

    /// <summary>
    /// Undoes a move that stopped before its switch: the target's copy is removed (and the target fences the tenant), the
    /// source takes its writes again, the map forgets the move. False when no move was under way (a switched move stays).
    /// </summary>
    public async Task<bool> RollBackAsync(string tenant, CancellationToken ct = default)
    {
        var route = await Map.RouteOf(tenant, ct);
        if (route.MovingTo is not { } to) return false;
        await using (var target = await Open(Database(to), ct))
        {
            await using var transaction = await target.BeginTransactionAsync(ct);
            await (await TenantTables.ReadAsync(target, schema, ct)).DeleteAsync(target, tenant, ct);
            await TenantFence.FenceAsync(target, schema, tenant, route.Database, route.Version, ct);
            await transaction.CommitAsync(ct);
        }
        await using (var source = await Open(Database(route.Database), ct))
            await TenantFence.LiftAsync(source, schema, tenant, ct);
        await Map.AbortMove(tenant, ct);
        _logger.LogWarning("Tenant {Tenant}: the move from {From} to {To} was rolled back; it stays in {From}.", tenant, route.Database, to, route.Database);
        return true;
    }

    private async Task<NpgsqlConnection> Open(PostgresDatabase database, CancellationToken ct)
    {
        await routes.Databases.Open(database.Name, ct);
        var connection = new NpgsqlConnection(Admin(database));
        try { await connection.OpenAsync(ct); }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            await connection.DisposeAsync();
            throw new StoreUnavailableException($"Database {database} cannot be reached for the move: {e.Message}", e);
        }
        return connection;
    }

    private void Done(TenantMoveStep step, CancellationToken ct)
    {
        AfterStep?.Invoke(step);
        ct.ThrowIfCancellationRequested();
    }

    private async Task<TenantMoveReport> Run(string tenant, string from, string to, CancellationToken ct)
    {
        await using var source = await Open(Database(from), ct);
        await using var target = await Open(Database(to), ct);
        var tables = await TenantTables.ReadAsync(source, schema, ct);
        var begun = await Map.BeginMove(tenant, to, ct);
        Done(TenantMoveStep.Begun, ct);

        await routes.Gate.Pause(tenant, ct);
        var paused = _clock.GetTimestamp();
        TimeSpan pause;
        var switched = false;
        Dictionary<string, long> rows;
        long leftovers;
        try
        {
            await TenantFence.FenceAsync(source, schema, tenant, to, begun.Version, ct);
            Done(TenantMoveStep.Fenced, ct);
            (rows, leftovers) = await CopyVerified(tables, source, target, tenant, from, to, ct);
            Done(TenantMoveStep.Copied, ct);
            await Map.CompleteMove(tenant, ct);
            switched = true;
            pause = _clock.GetElapsedTime(paused);
            Done(TenantMoveStep.Switched, ct);
        }
        catch (Exception e) when (!switched && !ct.IsCancellationRequested)
        {
            await RollBackAfter(e, tenant, from, to, source, ct);
            throw;
        }
        finally { routes.Gate.Resume(tenant); }

        _logger.LogInformation("Tenant {Tenant} moved from {From} to {To}: {Rows} rows, writes held for {Pause} ms.",
            tenant, from, to, rows.Values.Sum(), pause.TotalMilliseconds);
        if (leftovers > 0) _logger.LogWarning("Tenant {Tenant}: removed {Rows} rows an interrupted move left in database {To}.", tenant, leftovers, to);
        try { await tables.DeleteAsync(source, tenant, ct); }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            _logger.LogWarning("Tenant {Tenant}: its rows in {From} stay (fenced) until the move is resumed: {Error}", tenant, from, e.Message);
        }
        Done(TenantMoveStep.Cleaned, ct);
        return new TenantMoveReport(tenant, from, to, rows, pause, leftovers);
    }

    /// <summary>A move that failed before its switch: the source takes writes again and the map forgets the move (best effort; what fails here is left for a rollback).</summary>
    private async Task RollBackAfter(Exception failure, string tenant, string from, string to, NpgsqlConnection source, CancellationToken ct)
    {
        try
        {
            if (source.State == System.Data.ConnectionState.Open) await TenantFence.LiftAsync(source, schema, tenant, ct);
            await Map.AbortMove(tenant, ct);
            _logger.LogWarning(failure, "Tenant {Tenant}: the move from {From} to {To} failed and was rolled back.", tenant, from, to);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Tenant {Tenant}: the move from {From} to {To} failed ({Failure}) and could not be rolled back; roll it back or resume it.",
                tenant, from, to, failure.Message);
        }
    }

    private static async Task<(Dictionary<string, long> Rows, long Leftovers)> CopyVerified(TenantTables tables, NpgsqlConnection source,
        NpgsqlConnection target, string tenant, string from, string to, CancellationToken ct)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var transaction = await target.BeginTransactionAsync(ct);
        var leftovers = await tables.DeleteAsync(target, tenant, ct);
        await TenantFence.LiftAsync(target, schema: tables.Schema, tenant, ct);
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
        return (rows, leftovers);
    }
}
