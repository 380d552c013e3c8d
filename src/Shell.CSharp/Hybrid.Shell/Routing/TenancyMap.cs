using System.Collections.Immutable;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Routing;

/// <summary>
/// A tenancy map held by this process: the tenants given in configuration, tenants assigned at run time (no restart),
/// and optionally a default database that takes unknown tenants on first use. It doubles as the tenant catalogue
/// (periodic tasks for all tenants fire for every mapped tenant). Several nodes must be given the same assignments;
/// a map shared by several nodes lives in PostgreSQL (<c>PostgresTenancyMap</c>).
/// </summary>
public sealed class TenancyMap : ITenancyMap, ITenantCatalogue
{
    private readonly TimeProvider _clock;
    private ImmutableDictionary<string, Route> _routes = ImmutableDictionary.Create<string, Route>(StringComparer.Ordinal);

    private readonly record struct Route(string Database, DateTimeOffset At, long Version = 1, string? MovingTo = null);

    /// <summary>
    /// A map over these databases, with the tenants of <paramref name="tenants"/> (tenant → database) and, when
    /// <paramref name="defaultDatabase"/> is set, unknown tenants created there. Throws an <see cref="ArgumentException"/>
    /// for no databases, duplicates, or a tenant or default naming a database not in the list.
    /// </summary>
    public TenancyMap(IEnumerable<string> databases, IReadOnlyDictionary<string, string>? tenants = null, string? defaultDatabase = null,
        TimeProvider? clock = null)
    {
        Databases = databases.ToArray();
        _clock = clock ?? TimeProvider.System;
        if (Databases.Count == 0) throw new ArgumentException("A tenancy map needs at least one database.", nameof(databases));
        var twice = Databases.GroupBy(d => d, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"Database '{twice.Key}' is listed twice.", nameof(databases));
        if (defaultDatabase is not null) Require(defaultDatabase, nameof(defaultDatabase));
        DefaultDatabase = defaultDatabase;
        foreach (var (tenant, database) in tenants ?? new Dictionary<string, string>())
        {
            StoreInput.Tenant(tenant);
            Require(database, nameof(tenants));
            _routes = _routes.SetItem(tenant, new Route(database, _clock.GetUtcNow()));
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Databases { get; }

    /// <summary>The database unknown tenants are created in, or null when unknown tenants are refused.</summary>
    public string? DefaultDatabase { get; }

    /// <summary>Every mapped tenant and its database.</summary>
    public IReadOnlyDictionary<string, string> Routes => _routes.ToDictionary(r => r.Key, r => r.Value.Database, StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<string> DatabaseOf(string tenant, CancellationToken ct)
    {
        tenant ??= "";
        if (_routes.TryGetValue(tenant, out var route)) return ValueTask.FromResult(route.Database);
        StoreInput.Tenant(tenant);
        if (DefaultDatabase is null) throw new UnknownTenantException(tenant);
        return ValueTask.FromResult(ImmutableInterlocked.GetOrAdd(ref _routes, tenant, new Route(DefaultDatabase, _clock.GetUtcNow())).Database);
    }

    /// <inheritdoc />
    public ValueTask Assign(string tenant, string database, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        Require(database, nameof(database));
        ImmutableInterlocked.AddOrUpdate(ref _routes, tenant, new Route(database, _clock.GetUtcNow()),
            (_, old) => old.Database == database ? old : old with { Database = database, Version = old.Version + 1 });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<TenantRoute> RouteOf(string tenant, CancellationToken ct)
    {
        await DatabaseOf(tenant, ct);
        return ToRoute(tenant, _routes[tenant]);
    }

    /// <inheritdoc />
    public async ValueTask<TenantRoute> BeginMove(string tenant, string to, CancellationToken ct)
    {
        Require(to, nameof(to));
        await DatabaseOf(tenant, ct);
        return Change(tenant, route => route.MovingTo switch
        {
            null when route.Database == to => route,
            null => route with { MovingTo = to, Version = route.Version + 1 },
            _ when route.MovingTo == to => route,
            _ => throw new InvalidOperationException($"Tenant '{tenant}' is moving to database '{route.MovingTo}' already: resume or roll back that move first."),
        });
    }

    /// <inheritdoc />
    public ValueTask<TenantRoute> CompleteMove(string tenant, CancellationToken ct) =>
        ValueTask.FromResult(Change(tenant, route => route.MovingTo is null ? route
            : route with { Database = route.MovingTo, MovingTo = null, Version = route.Version + 1 }));

    /// <inheritdoc />
    public ValueTask<TenantRoute> AbortMove(string tenant, CancellationToken ct) =>
        ValueTask.FromResult(Change(tenant, route => route.MovingTo is null ? route : route with { MovingTo = null, Version = route.Version + 1 }));

    /// <inheritdoc />
    /// <remarks>Nothing to do: this map is the only copy.</remarks>
    public ValueTask Refresh(string tenant, CancellationToken ct) => ValueTask.CompletedTask;

    private TenantRoute Change(string tenant, Func<Route, Route> change)
    {
        if (!_routes.ContainsKey(tenant)) throw new UnknownTenantException(tenant);
        return ToRoute(tenant, ImmutableInterlocked.AddOrUpdate(ref _routes, tenant, _ => throw new UnknownTenantException(tenant), (_, old) => change(old)));
    }

    private static TenantRoute ToRoute(string tenant, Route route) => new(tenant, route.Database, route.Version, route.MovingTo);

    /// <summary>Registers a tenant in the default database (a tenant already mapped keeps its database); without a default, refuses it.</summary>
    public async Task<bool> Register(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        var known = _routes.ContainsKey(tenant);
        await DatabaseOf(tenant, ct);
        return !known;
    }

    /// <summary>Every mapped tenant, in ordinal order.</summary>
    public Task<TenantEntry[]> List(CancellationToken ct) =>
        Task.FromResult(_routes.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new TenantEntry(r.Key, r.Value.At)).ToArray());

    private void Require(string database, string parameter)
    {
        if (!Databases.Contains(database, StringComparer.Ordinal))
            throw new ArgumentException($"Database '{database}' is not one of the tenancy map's ({string.Join(", ", Databases)}).", parameter);
    }
}
