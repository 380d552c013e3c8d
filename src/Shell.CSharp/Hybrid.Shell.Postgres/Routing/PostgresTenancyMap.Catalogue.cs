using System.Collections.Immutable;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>The shared map's copy of the catalogue: first load, reloads when stale, single rows, changes and notifications.</summary>
public sealed partial class PostgresTenancyMap
{
    /// <summary>Migrates the catalogue and loads it on first use; a failure is not remembered (the next call tries again).</summary>
    private async Task Ready(CancellationToken ct)
    {
        Task ready;
        lock (_starting) ready = _ready ??= Start(_stopping.Token);
        if (ready.IsCompletedSuccessfully) return;
        try { await ready.WaitAsync(ct); }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            lock (_starting) if (_ready == ready) _ready = null;
            throw Unavailable(e);
        }
    }

    private Exception Unavailable(Exception e) => StoreFailures.IsUnavailable(e) && e is not StoreUnavailableException
        ? new StoreUnavailableException($"The tenancy map's catalogue {_catalogue} is unavailable: {e.Message}", e)
        : e;

    private async Task Start(CancellationToken stopping)
    {
        if (_catalogue.MigrationConnectionString is { } admin)
            await PostgresMigrations.ApplyAsync(admin, _options.Names, _options.ApplicationRolePassword, stopping);
        await ReloadAll(stopping);
        _listening = Task.Run(() => Listen(stopping), CancellationToken.None);
    }

    /// <summary>Reads the whole map again when this node's copy is older than the staleness bound; a catalogue that cannot be reached keeps the copy (writes stay safe: fences).</summary>
    private async Task ReloadIfStale(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (now - LoadedAt <= _options.MaxStaleness || now < RetryLoadAt) return;
        await _reloading.WaitAsync(ct);
        try
        {
            if (_clock.GetUtcNow() - LoadedAt <= _options.MaxStaleness) return;
            await ReloadAll(ct);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            RetryLoadAt = _clock.GetUtcNow() + TimeSpan.FromSeconds(1);
            _logger.LogWarning("The tenancy map's catalogue {Catalogue} cannot be read; routing by the copy of {LoadedAt:O}: {Error}",
                _catalogue, LoadedAt, e.Message);
        }
        finally { _reloading.Release(); }
    }

    private async Task ReloadAll(CancellationToken ct)
    {
        var at = _clock.GetUtcNow();
        await using var command = _source.CreateCommand(_sql.All);
        var routes = ImmutableDictionary.CreateBuilder<string, CatalogueRoute>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                routes[reader.GetString(0)] = ReadRoute(reader);
        // A row read again by a notification meanwhile may be newer than this snapshot: the higher version wins.
        foreach (var (tenant, newer) in _routes)
            if (routes.TryGetValue(tenant, out var read) && read.Route.Version < newer.Route.Version) routes[tenant] = newer;
        _routes = routes.ToImmutable();
        LoadedAt = at;
    }

    private DateTimeOffset LoadedAt
    {
        get => new(Interlocked.Read(ref _loadedAtTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _loadedAtTicks, value.UtcTicks);
    }

    private long _loadedAtTicks = DateTimeOffset.MinValue.UtcTicks;

    private DateTimeOffset RetryLoadAt
    {
        get => new(Interlocked.Read(ref _retryLoadAtTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _retryLoadAtTicks, value.UtcTicks);
    }

    private long _retryLoadAtTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>The tenant's row read again (this node's copy updated), or null when it has no database yet.</summary>
    private async Task<CatalogueRoute?> Load(string tenant, CancellationToken ct)
    {
        await using var command = _source.CreateCommand(_sql.One);
        command.Parameters.AddWithValue("tenant", tenant);
        CatalogueRoute? route = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct) && !reader.IsDBNull(1)) route = ReadRoute(reader);
        return Remember(tenant, route);
    }

    /// <summary>Runs a change of one route (it notifies the other nodes); the changed route, or null when nothing changed.</summary>
    private async Task<CatalogueRoute?> Change(string sql, string tenant, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = _source.CreateCommand(sql);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("at", _clock.GetUtcNow());
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return Remember(tenant, ReadRoute(reader));
    }

    private CatalogueRoute? Remember(string tenant, CatalogueRoute? route)
    {
        if (route is null) ImmutableInterlocked.TryRemove(ref _routes, tenant, out _);
        else ImmutableInterlocked.AddOrUpdate(ref _routes, tenant, route, (_, old) => old.Route.Version > route.Route.Version ? old : route);
        return route;
    }

    private static CatalogueRoute ReadRoute(NpgsqlDataReader reader) =>
        new(new TenantRoute(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
            reader.GetFieldValue<DateTimeOffset>(4));

    /// <summary>
    /// Follows the other nodes' changes: LISTEN on the routes channel, each notification reads its tenant's row again.
    /// A lost connection is opened again after a pause, and the whole map read again (notifications may have been missed).
    /// </summary>
    private async Task Listen(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(stopping);
                var changed = new List<string>();
                connection.Notification += (_, e) => { lock (changed) changed.Add(e.Payload); };
                await using (var listen = new NpgsqlCommand($"LISTEN {_sql.Channel}", connection)) await listen.ExecuteNonQueryAsync(stopping);
                await ReloadAll(stopping);
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping);
                    string[] tenants;
                    lock (changed)
                    {
                        tenants = [.. changed.Distinct()];
                        changed.Clear();
                    }
                    foreach (var tenant in tenants) await Load(tenant, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogWarning("The tenancy map stopped listening to {Catalogue} ({Error}); the staleness bound keeps routes fresh meanwhile.",
                    _catalogue, e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(1), _clock, stopping); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
