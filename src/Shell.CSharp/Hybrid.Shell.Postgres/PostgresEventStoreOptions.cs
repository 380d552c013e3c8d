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
    /// dispose it). It must log in as <see cref="ApplicationRole"/>, like the connection string.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>
    /// A connection string for migrations (a superuser, or an owner with CREATEROLE and BYPASSRLS), or null to skip
    /// migrations because an operator applied them.
    /// </summary>
    public string? MigrationConnectionString { get; init; }

    /// <summary>The schema holding the store's tables ("hybrid" by default).</summary>
    public string Schema { get; init; } = "hybrid";

    /// <summary>The role the application connects as; migrations create it (LOGIN, no owner rights) and grant it access.</summary>
    public string ApplicationRole { get; init; } = "hybrid_app";

    /// <summary>The application role's password, set by migrations when given.</summary>
    public string? ApplicationRolePassword { get; init; }

    /// <summary>Limits on bodies, tags and events per append (1 MiB bodies by default).</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>The clock stamping events.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The most events one group-commit transaction carries (appends queued for a tenant are combined up to it).</summary>
    public int MaxEventsPerCommit { get; init; } = 5_000;

    /// <summary>Whether appends send a NOTIFY that wakes subscriptions on other nodes (in-process subscriptions wake anyway).</summary>
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
