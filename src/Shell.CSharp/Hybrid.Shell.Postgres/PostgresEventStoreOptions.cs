using Npgsql;

namespace Hybrid.Shell.Postgres;

/// <summary>How a PostgreSQL event store connects, migrates, batches and notifies.</summary>
public sealed record PostgresEventStoreOptions
{
    /// <summary>
    /// The connection string the store works with (unless <see cref="DataSource"/> is set): it must log in as <see cref="ApplicationRole"/> (a non-owner role
    /// subject to row-level security), never as the owner or a superuser.
    /// </summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// The application's data source, used instead of <see cref="ConnectionString"/> when set (the store does not
    /// dispose it). It must log in as <see cref="ApplicationRole"/>, like the connection string. Subscriptions LISTEN on
    /// a connection that lives as long as the store: with a connection string too, it is opened from that string
    /// outside the data source's pool; with the data source alone, it holds one of the pool's connections.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>
    /// A connection string for migrations (a superuser, or the database owner with CREATEROLE), or null to skip
    /// migrations because an operator applied them (for example with the script of <see cref="PostgresMigrations.ScriptAsync"/>).
    /// </summary>
    public string? MigrationConnectionString { get; init; }

    /// <summary>The schema holding the store's tables ("hybrid" by default).</summary>
    public string Schema { get; init; } = "hybrid";

    /// <summary>The role the application connects as; migrations create it (LOGIN, no owner rights) and grant it access.</summary>
    public string ApplicationRole { get; init; } = "hybrid_app";

    /// <summary>
    /// The application role's password, used when migrations create the role; an existing role's password is never
    /// changed. There is no default: the operator supplies it (or sets it on the role).
    /// </summary>
    public string? ApplicationRolePassword { get; init; }

    /// <summary>The read-only role for operators that migrations create (see <see cref="PostgresSchemaNames"/>).</summary>
    public string ReportingRole { get; init; } = "hybrid_reporting";

    /// <summary>The role that owns the schema's objects, which migrations create (see <see cref="PostgresSchemaNames"/>).</summary>
    public string OwnerRole { get; init; } = "hybrid_owner";

    /// <summary>The schema and role names, as the migrations take them.</summary>
    public PostgresSchemaNames Names => new(Schema, ApplicationRole, ReportingRole, OwnerRole);

    /// <summary>Limits on bodies, tags and events per append (1 MiB bodies by default).</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>The clock stamping events.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The most events one group-commit transaction carries (appends queued for a tenant are combined up to it).</summary>
    public int MaxEventsPerCommit { get; init; } = 5_000;

    /// <summary>
    /// Whether a group commit isolates a member the server refuses for a reason of its own (bad data, a constraint, a
    /// limit): that member alone fails with an <see cref="AppendRefusedException"/> and the others commit as if it had
    /// never been sent (true by default). When false the whole group fails with the server's error: only for measuring.
    /// </summary>
    public bool IsolateRefusedAppends { get; init; } = true;

    /// <summary>
    /// Whether commits send a NOTIFY that wakes subscriptions on other nodes (in-process subscriptions wake anyway). It
    /// is sent after the commit on a connection of its own, shared by the tenants that commit while one is in flight.
    /// </summary>
    public bool NotifyOnAppend { get; init; } = true;

    /// <summary>Whether subscriptions LISTEN for wake-ups; when false they rely on polling only.</summary>
    public bool ListenForNotifications { get; init; } = true;

    /// <summary>How often a caught-up subscription polls when no wake-up arrives: the fallback when notifications are lost.</summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many events a subscription reads per query.</summary>
    public int SubscriptionBatchSize { get; init; } = 500;

    /// <summary>How many messages a subscription buffers ahead of its consumer before it stops reading (back-pressure).</summary>
    public int SubscriptionBufferSize { get; init; } = 1_000;

    /// <summary>How long a subscription waits before reading again after a connection failure.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the LISTEN connection may stay silent before it is checked with a <c>SELECT 1</c>, which must answer
    /// within the same time (on <see cref="Clock"/>): a connection the server or the network dropped without closing it
    /// (a half-open connection after a partition) is then given up and reopened, and every subscription woken, instead
    /// of leaving them to their polling. Subscriptions poll anyway (<see cref="PollingInterval"/>) while it is down.
    /// </summary>
    public TimeSpan ListenerHeartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Options for a server where <paramref name="adminConnectionString"/> may migrate: the application connects with
    /// the same host and database as <see cref="ApplicationRole"/>.
    /// </summary>
    public static PostgresEventStoreOptions ForAdmin(string adminConnectionString, string applicationRole = "hybrid_app", string? password = null)
    {
        var app = new NpgsqlConnectionStringBuilder(adminConnectionString) { Username = applicationRole, Password = password };
        return new PostgresEventStoreOptions
        {
            ConnectionString = app.ConnectionString,
            MigrationConnectionString = adminConnectionString,
            ApplicationRole = applicationRole,
            ApplicationRolePassword = password,
        };
    }
}
