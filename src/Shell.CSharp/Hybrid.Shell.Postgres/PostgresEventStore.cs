using System.Collections.Concurrent;
using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Postgres.Subscriptions;
using Hybrid.Shell.Postgres.Writing;
using Hybrid.Shell.Stores;
using Npgsql;

namespace Hybrid.Shell.Postgres;

/// <summary>
/// The production event store on PostgreSQL. Positions are per tenant, gapless and in commit order: they are
/// assigned under the tenant's row lock (its head), which is held until commit. Concurrent appends to one tenant are
/// combined into one transaction (group commit), each with its own condition decided in order. Row-level security is
/// forced and the store connects as a non-owner role, with the tenant set per transaction.
/// </summary>
/// <remarks>
/// Create it with <see cref="CreateAsync"/>, which applies migrations under an advisory lock when
/// <see cref="PostgresEventStoreOptions.MigrationConnectionString"/> is given. Bodies are stored as jsonb, so reads
/// return them in PostgreSQL's normal form (same JSON value, possibly different spacing and key order).
/// </remarks>
public sealed partial class PostgresEventStore : IEventStore, IEventByIdReader, IAsyncDisposable
{
    private readonly PostgresEventStoreOptions _options;
    private readonly NpgsqlDataSource _source;
    private readonly StoreSql _sql;
    private readonly TenantSignals _signals = new();
    private readonly AppendCommitter _committer;
    private readonly SubscriptionFeed _feed;
    private readonly NotificationListener? _listener;
    private readonly CommitNotifier? _notifier;
    private readonly ConcurrentDictionary<string, TenantWriter> _writers = new(StringComparer.Ordinal);

    private PostgresEventStore(PostgresEventStoreOptions options)
    {
        _options = options;
        _source = options.DataSource ?? NpgsqlDataSource.Create(WithoutSessionReset(WithPreparedStatements(options.ConnectionString)));
        _sql = new StoreSql(options.Schema);
        _notifier = options.NotifyOnAppend ? new CommitNotifier(_source, _sql.Channel) : null;
        _committer = new AppendCommitter(_source, _sql, options.Clock, _signals, _notifier, options.IsolateRefusedAppends);
        _feed = new SubscriptionFeed(_source, _sql, _signals, options);
        if (options.ListenForNotifications)
            // LISTEN holds its connection for the store's life: outside the pool whenever a connection string allows it.
            _listener = options.DataSource is { } shared && string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new NotificationListener(shared.OpenConnectionAsync, _sql.Channel, _signals, options.ReconnectDelay, options.ListenerHeartbeat, options.Clock)
                : new NotificationListener(NotificationListener.Dedicated(options.ConnectionString), _sql.Channel, _signals, options.ReconnectDelay,
                    options.ListenerHeartbeat, options.Clock);
    }

    /// <summary>
    /// The store runs a small fixed set of statements: unless the connection string says otherwise, Npgsql prepares
    /// them after two uses. Failed batch commands are always named on the exception (IncludeFailedBatchedCommand). Filtered queries still get custom plans (see <see cref="Sql.TenantScope"/>).
    /// </summary>
    internal static string WithPreparedStatements(string connectionString)
    {
        // A failed batch names its failing command, so that a group commit can tell which member the server refused.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { IncludeFailedBatchedCommand = true };
        if (builder.MaxAutoPrepare > 0) return builder.ConnectionString;
        builder.MaxAutoPrepare = 64;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    /// <summary>
    /// For the store's own pool only: every statement it runs keeps its settings to the transaction (set_config local,
    /// no session locks, no LISTEN on pooled connections), so the six reset statements Npgsql would otherwise send with
    /// the first command after each checkout (an append checks out a connection) have nothing to reset. An open
    /// transaction is still rolled back when a connection returns to the pool.
    /// </summary>
    internal static string WithoutSessionReset(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;

    /// <summary>
    /// Migrates (when a migration connection string is given) and opens the store. Throws when the application
    /// connection is a superuser or bypasses row-level security, since tenant isolation would then not be enforced.
    /// </summary>
    public static async Task<PostgresEventStore> CreateAsync(PostgresEventStoreOptions options, CancellationToken ct = default)
    {
        Validate(options);
        if (options.MigrationConnectionString is { } admin)
            await PostgresMigrations.ApplyAsync(admin, options.Names, options.ApplicationRolePassword, ct).ConfigureAwait(false);
        var store = new PostgresEventStore(options);
        try
        {
            await store.RequireRowLevelSecurityAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }

    /// <summary>Throws for options no store can open with (names that are not identifiers, no connection): a mistake to fix, not an outage to wait out.</summary>
    internal static void Validate(PostgresEventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Names.Validate();
        if (options.DataSource is null && string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("Set PostgresEventStoreOptions.ConnectionString or DataSource.", nameof(options));
    }

    /// <summary>Applies missing migrations with the given (owner or superuser) connection string; safe to call from many nodes at once.</summary>
    public static Task MigrateAsync(string migrationConnectionString, string schema = "hybrid", string applicationRole = "hybrid_app",
        string? applicationRolePassword = null, CancellationToken ct = default) =>
        PostgresMigrations.ApplyAsync(migrationConnectionString, new PostgresSchemaNames(schema, applicationRole), applicationRolePassword, ct);

    /// <summary>The options the store runs with.</summary>
    public PostgresEventStoreOptions Options => _options;

    /// <inheritdoc />
    public Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        AppendModule.validateOrThrow(_options.Limits, request);
        ct.ThrowIfCancellationRequested();
        var writer = _writers.GetOrAdd(request.Tenant, t => new TenantWriter(t, _committer.CommitAsync, _options.MaxEventsPerCommit, TimeProvider.System));
        return writer.Enqueue(request);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        StoreInput.Query(tenant, query);
        _listener?.EnsureStarted();
        return _feed.Subscribe(tenant, query, ct).UntilCancelled(ct);
    }

    /// <summary>Stops listening for notifications and closes the connection pool (unless it is the application's data source).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        if (_notifier is not null) await _notifier.DisposeAsync().ConfigureAwait(false);
        if (_options.DataSource is null) await _source.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RequireRowLevelSecurityAsync(CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT rolsuper OR rolbypassrls OR (to_regrole(@owner) IS NOT NULL AND pg_has_role(current_user, @owner, 'USAGE')) " +
            "FROM pg_roles WHERE rolname = current_user", connection);
        command.Parameters.AddWithValue("owner", _options.OwnerRole);
        if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
            throw new InvalidOperationException(
                $"The event store's connection logs in as '{connection.UserName}', a superuser, a role that bypasses row-level security " +
                $"or one acting as the owner '{_options.OwnerRole}': connect as the application role '{_options.ApplicationRole}' " +
                "(see PostgresEventStoreOptions.ForAdmin).");
    }
}
