using System.Collections.Immutable;
using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// The tenancy map shared by every node: each tenant's database, route version and move under way are columns of the
/// tenant catalogue (<c>tenant_catalogue</c>) in one catalogue database, which is migrated on first use. Each node keeps
/// a copy: loaded on first use, updated as other nodes change routes (LISTEN/NOTIFY on <c>{schema}_routes</c>), and
/// read again whole when it is older than <see cref="PostgresTenancyMapOptions.MaxStaleness"/> on the map's clock, so
/// a missed notification is bounded. A tenant this node does not know is looked up in the catalogue before it is
/// called unknown (or created in the default database), so tenants added on any node are seen by every node at once.
/// A stale copy never writes to the wrong database: a move fences the tenant in its old database first.
/// </summary>
public sealed partial class PostgresTenancyMap : ITenancyMap, ITenantCatalogue, IAsyncDisposable
{
    private readonly PostgresDatabase _catalogue;
    private readonly PostgresTenancyMapOptions _options;
    private readonly NpgsqlDataSource _source;
    private readonly TenantRouteSql _sql;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly object _starting = new();
    private Task? _ready;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ImmutableDictionary<string, CatalogueRoute> _routes = ImmutableDictionary.Create<string, CatalogueRoute>(StringComparer.Ordinal);
    private Task _listening = Task.CompletedTask;

    private sealed record CatalogueRoute(TenantRoute Route, DateTimeOffset RegisteredAt);

    /// <summary>
    /// A map over the <paramref name="databases"/> kept in the catalogue database <paramref name="catalogue"/> (usually the
    /// first of them), migrated on first use when it has a migration connection string. Throws an
    /// <see cref="ArgumentException"/> for no databases, duplicates, or a default not in the list.
    /// </summary>
    public PostgresTenancyMap(PostgresDatabase catalogue, IEnumerable<string> databases, PostgresTenancyMapOptions? options = null,
        TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
        _options = options ?? new PostgresTenancyMapOptions();
        Databases = databases.ToArray();
        if (Databases.Count == 0) throw new ArgumentException("A tenancy map needs at least one database.", nameof(databases));
        var twice = Databases.GroupBy(d => d, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"Database '{twice.Key}' is listed twice.", nameof(databases));
        if (_options.DefaultDatabase is { } fallback) Require(fallback, nameof(options));
        SqlIdentifier.Require(_options.Names.Schema, nameof(options));
        _sql = new TenantRouteSql(_options.Names.Schema);
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _source = NpgsqlDataSource.Create(catalogue.ConnectionString);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Databases { get; }

    /// <summary>The database unknown tenants are created in, or null when unknown tenants are refused.</summary>
    public string? DefaultDatabase => _options.DefaultDatabase;

    /// <summary>Every routed tenant and its database, as this node knows them.</summary>
    public IReadOnlyDictionary<string, string> Routes => _routes.ToDictionary(r => r.Key, r => r.Value.Route.Database, StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask<string> DatabaseOf(string tenant, CancellationToken ct)
    {
        tenant ??= "";
        await Ready(ct);
        await ReloadIfStale(ct);
        if (_routes.TryGetValue(tenant, out var known)) return known.Route.Database;
        return (await Lookup(tenant, create: true, ct)).Database;
    }

    /// <inheritdoc />
    public async ValueTask Assign(string tenant, string database, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        Require(database, nameof(database));
        await Ready(ct);
        var route = await Change(_sql.Assign, tenant, ct, ("database", database)) ?? await Load(tenant, ct);
        if (route?.Route.Database != database)
            throw new InvalidOperationException(
                $"Tenant '{tenant}' lives in database '{route?.Route.Database}': an existing tenant changes database only by a move.");
    }

    /// <inheritdoc />
    public async ValueTask<TenantRoute> RouteOf(string tenant, CancellationToken ct)
    {
        await Ready(ct);
        return (await Lookup(tenant, create: false, ct, fresh: true));
    }

    /// <inheritdoc />
    public async ValueTask<TenantRoute> BeginMove(string tenant, string to, CancellationToken ct)
    {
        Require(to, nameof(to));
        await Ready(ct);
        var begun = await Change(_sql.BeginMove, tenant, ct, ("to", to));
        if (begun is not null) return begun.Route;
        var route = await Lookup(tenant, create: false, ct, fresh: true);
        if (route.MovingTo is not null && route.MovingTo != to)
            throw new InvalidOperationException($"Tenant '{tenant}' is moving to database '{route.MovingTo}' already: resume or roll back that move first.");
        return route;
    }

    /// <inheritdoc />
    public async ValueTask<TenantRoute> CompleteMove(string tenant, CancellationToken ct)
    {
        await Ready(ct);
        return (await Change(_sql.CompleteMove, tenant, ct))?.Route ?? await Lookup(tenant, create: false, ct, fresh: true);
    }

    /// <inheritdoc />
    public async ValueTask<TenantRoute> AbortMove(string tenant, CancellationToken ct)
    {
        await Ready(ct);
        return (await Change(_sql.AbortMove, tenant, ct))?.Route ?? await Lookup(tenant, create: false, ct, fresh: true);
    }

    /// <inheritdoc />
    public async ValueTask Refresh(string tenant, CancellationToken ct)
    {
        await Ready(ct);
        await Load(tenant, ct);
    }

    /// <summary>Registers a tenant in the default database (a routed tenant keeps its database); without a default, refuses it.</summary>
    public async Task<bool> Register(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        await Ready(ct);
        if (await Load(tenant, ct) is not null) return false;
        await Lookup(tenant, create: true, ct);
        return true;
    }

    /// <summary>Every tenant of the catalogue, in ordinal order.</summary>
    public async Task<TenantEntry[]> List(CancellationToken ct)
    {
        await Ready(ct);
        await using var command = _source.CreateCommand(_sql.Listed);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<TenantEntry>();
        while (await reader.ReadAsync(ct)) entries.Add(new TenantEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return [.. entries];
    }

    /// <summary>The tenant's route: this node's copy, else the catalogue's row, else (with a default and <paramref name="create"/>) a new one.</summary>
    private async Task<TenantRoute> Lookup(string tenant, bool create, CancellationToken ct, bool fresh = false)
    {
        if (!fresh && _routes.TryGetValue(tenant, out var known)) return known.Route;
        StoreInput.Tenant(tenant);
        if (await Load(tenant, ct) is { } loaded) return loaded.Route;
        if (!create || DefaultDatabase is null) throw new UnknownTenantException(tenant);
        return ((await Change(_sql.Assign, tenant, ct, ("database", DefaultDatabase))) ?? await Load(tenant, ct))?.Route
            ?? throw new UnknownTenantException(tenant);
    }

    private void Require(string database, string parameter)
    {
        if (!Databases.Contains(database, StringComparer.Ordinal))
            throw new ArgumentException($"Database '{database}' is not one of the tenancy map's ({string.Join(", ", Databases)}).", parameter);
    }

    /// <summary>Stops following the catalogue and closes its connections (again: nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        try { await _listening; } catch (OperationCanceledException) { }
        await _source.DisposeAsync();
    }

    private int _disposed;
}
