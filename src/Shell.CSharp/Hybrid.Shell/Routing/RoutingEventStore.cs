using System.Runtime.CompilerServices;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Routing;

/// <summary>
/// The event store of a tenancy map: each call goes to the store of the tenant's database, and nowhere else. An
/// unknown tenant fails with an <see cref="UnknownTenantException"/>; a tenant whose database is unreachable fails with
/// a <see cref="StoreUnavailableException"/> naming both, while other databases' tenants go on. Writes (appends,
/// deletions, checkpoints) pass the <see cref="TenantWriteGate"/>, which a move on this node closes while it copies the
/// tenant; a write its database refuses because the tenant is fenced there (a move from any node) follows the route
/// again (<see cref="FencedWrites"/>).
/// </summary>
public sealed class RoutingEventStore(ITenancyMap map, TenantDatabases databases, TenantWriteGate? gate = null, ILogger? logger = null,
    TimeProvider? clock = null) : IEventStore, IEventByIdReader
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>How writes refused by a tenant's fence are followed to the tenant's new database.</summary>
    public FencedWrites Fenced { get; init; } = new(map, clock);

    /// <summary>The tenancy map followed.</summary>
    public ITenancyMap Map { get; } = map;

    /// <summary>The databases routed to.</summary>
    public TenantDatabases Databases { get; } = databases;

    /// <summary>The gate every write of a tenant passes.</summary>
    public TenantWriteGate Gate { get; } = gate ?? new TenantWriteGate();

    /// <summary>The tenant's database, opened.</summary>
    public async ValueTask<TenantDatabase> DatabaseOf(string tenant, CancellationToken ct)
    {
        var name = await Map.DatabaseOf(tenant, ct);
        try { return await Databases.Open(name, ct); }
        catch (Exception e) when (StoreFailures.IsUnavailable(e)) { throw DatabaseCalls.Unavailable(tenant, name, e); }
    }

    private async Task<T> Reading<T>(string tenant, Func<IEventStore, Task<T>> call, CancellationToken ct)
    {
        var database = await DatabaseOf(tenant, ct);
        return await DatabaseCalls.Run(tenant, database.Name, () => call(database.Store));
    }

    private async Task<T> Writing<T>(string tenant, Func<IEventStore, Task<T>> call, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        await Gate.Enter(tenant, ct);
        try { return await Fenced.Run(tenant, () => Reading(tenant, call, ct), ct); }
        finally { Gate.Exit(tenant); }
    }

    /// <inheritdoc />
    public Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        // A null request names no tenant to route by: refused here as every store refuses it.
        if (request is null) AppendModule.validateOrThrow(InputLimits.Default, request!);
        return Writing(request!.Tenant, store => store.Append(request, ct), ct);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct) =>
        Writing(tenant, store => store.DeleteStream(tenant, stream, expected, ct), ct);

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct) =>
        Writing(tenant, store => store.ClaimCheckpoint(tenant, processor, fencingToken, ct), ct);

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct) =>
        Writing(tenant, store => store.WriteCheckpoint(tenant, write, ct), ct);

    /// <inheritdoc />
    public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct) =>
        Writing(tenant, async store =>
        {
            await store.ResetCheckpoint(tenant, processor, position, ct);
            return true;
        }, ct);

    /// <inheritdoc />
    public Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) =>
        Reading(tenant, store => store.Read(tenant, query, ct), ct);

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) =>
        Reading(tenant, store => store.ReadStream(tenant, read, ct), ct);

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct) =>
        Reading(tenant, store => store.ReadById(tenant, id, ct), ct);

    /// <inheritdoc />
    public Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct) =>
        Reading(tenant, store => store.GetStreamState(tenant, stream, ct), ct);

    /// <inheritdoc />
    public Task<long> GetHead(string tenant, CancellationToken ct) => Reading(tenant, store => store.GetHead(tenant, ct), ct);

    /// <inheritdoc />
    public Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct) =>
        Reading(tenant, store => store.ReadCheckpoint(tenant, processor, ct), ct);

    /// <inheritdoc />
    public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        // Checked here, not at the first MoveNextAsync: bad input fails the call that made it, as on every store.
        StoreInput.Query(tenant, query);
        return Routed(tenant, query, ct);
    }

    private async IAsyncEnumerable<SubscriptionMessage> Routed(string tenant, EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var database = await DatabaseOf(tenant, ct);
        await foreach (var message in database.Store.Subscribe(tenant, query, ct)) yield return message;
    }

    /// <summary>
    /// The tenants with events in every reachable database, each counted only where the map routes it (a moved
    /// tenant's leftovers in its old database are not listed). An unreachable database is skipped with a warning, so
    /// the other databases' tenants go on.
    /// </summary>
    public async Task<string[]> GetTenants(CancellationToken ct)
    {
        var tenants = new List<string>();
        foreach (var name in Databases.Names) tenants.AddRange(await TenantsIn(name, ct));
        return tenants.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The tenants with events in one database that the map routes to it; empty (with a warning) when it is unreachable.</summary>
    public async Task<string[]> TenantsIn(string database, CancellationToken ct)
    {
        string[] found;
        try { found = await (await Databases.Open(database, ct)).Store.GetTenants(ct); }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            _logger.LogWarning("Database {Database} is unavailable; its tenants are skipped: {Error}", database, e.Message);
            return [];
        }
        var routed = new List<string>(found.Length);
        foreach (var tenant in found)
        {
            try
            {
                if (await Map.DatabaseOf(tenant, ct) == database) routed.Add(tenant);
            }
            catch (UnknownTenantException) { }
        }
        return routed.ToArray();
    }
}
