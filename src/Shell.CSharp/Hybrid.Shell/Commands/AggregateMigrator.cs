using Hybrid.Shell.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Shell.Commands;

/// <summary>What a live migration did.</summary>
public sealed record MigrationReport(string Aggregate, int Tenants, int Streams, int EventsWritten);

/// <summary>
/// Migrates an aggregate type while the application runs on any number of nodes, coordinated through the store. For
/// each tenant: append a Started marker (from then on no node's command of the aggregate can append: each appends
/// under the condition that no marker appeared since it read the shape, and waits while a migration runs), transform
/// every live stream to the new shape, append a Completed marker (nodes then run the migration's commands for the
/// tenant). Commands waiting longer than their processor's bound get a retryable <see cref="CommandOutcome.Unavailable"/>;
/// none is lost and none writes the old shape after the switch. Re-running after a crash carries on where it stopped:
/// migrated tenants are skipped, streams already written are left as they are.
/// </summary>
/// <remarks>
/// Tenants are those with events and, when a catalogue is given, every registered tenant. A tenant with no marker runs
/// the original commands: run the migration again for tenants that arrive later (only they are migrated then).
/// </remarks>
public sealed class AggregateMigrator(IEventStore store, IIdSource ids, CommandProcessor processor, ILogger<AggregateMigrator>? logger = null,
    ITenantCatalogue? catalogue = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Runs the migration over every tenant; throws when another migration of the aggregate is running in one.</summary>
    public async Task<MigrationReport> MigrateAsync(AggregateMigration migration, CancellationToken ct)
    {
        var valid = AggregateMigrationModule.validate(migration);
        if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(migration));
        processor.KnowMigration(migration);
        int tenants = 0, streams = 0, written = 0;
        foreach (var tenant in await Tenants(ct).ConfigureAwait(false))
        {
            var (tenantStreams, tenantWritten) = await MigrateTenant(migration, tenant, ct).ConfigureAwait(false);
            if (tenantStreams < 0) continue;
            (tenants, streams, written) = (tenants + 1, streams + tenantStreams, written + tenantWritten);
        }
        _logger.LogInformation("Migrated aggregate {Aggregate} by {Migration}: {Streams} streams of {Tenants} tenants, {Events} events written.",
            migration.Aggregate, migration.Name, streams, tenants, written);
        return new MigrationReport(migration.Aggregate, tenants, streams, written);
    }

    private async Task<string[]> Tenants(CancellationToken ct)
    {
        var withEvents = await store.GetTenants(ct).ConfigureAwait(false);
        if (catalogue is null) return withEvents;
        var registered = (await catalogue.List(ct).ConfigureAwait(false)).Select(t => t.Tenant);
        return withEvents.Union(registered, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Migrates one tenant: (streams, events written), or (-1, 0) when it was already migrated.</summary>
    private async Task<(int Streams, int Written)> MigrateTenant(AggregateMigration migration, string tenant, CancellationToken ct)
    {
        var shape = await processor.Gate.ReadAsync(tenant, migration.Aggregate, ct).ConfigureAwait(false);
        switch (shape.Status)
        {
            case MigrationStatus.Migrated done when done.migration == migration.Name:
                return (-1, 0);
            case MigrationStatus.Migrating running when running.migration != migration.Name:
                throw new InvalidOperationException(
                    $"Tenant '{tenant}': migration '{running.migration}' of aggregate '{migration.Aggregate}' is running; finish it before '{migration.Name}'.");
            case MigrationStatus.Migrating:
                _logger.LogInformation("Tenant {Tenant}: resuming migration {Migration} of {Aggregate}.", tenant, migration.Name, migration.Aggregate);
                break;
            default:
                await Mark(tenant, AggregateMigrationModule.started(migration), shape.Position, migration, ct).ConfigureAwait(false);
                break;
        }
        int streams = 0, written = 0;
        var source = await store.Read(tenant, migration.Source, ct).ConfigureAwait(false);
        foreach (var stream in AggregateMigrationModule.streamsOf(source))
        {
            written += await MigrateStream(migration, tenant, stream, ct).ConfigureAwait(false);
            streams++;
        }
        var started = await processor.Gate.ReadAsync(tenant, migration.Aggregate, ct).ConfigureAwait(false);
        await Mark(tenant, AggregateMigrationModule.completed(migration), started.Position, migration, ct).ConfigureAwait(false);
        return (streams, written);
    }

    /// <summary>Appends a marker under the condition that no other marker appeared since the shape was read.</summary>
    private async Task Mark(string tenant, EventData marker, long readAt, AggregateMigration migration, CancellationToken ct)
    {
        var metadata = EventMetadata.Of($"migration:{migration.Name}", $"migration:{migration.Aggregate}", "hybrid-migration");
        var result = await StoreTelemetry.Append(store, AppendRequest.Of(tenant, new ProposedEvent(ids.NewId(), marker, metadata))
            .When(AggregateMigrationModule.unchangedSince(migration.Aggregate, readAt)), ct).ConfigureAwait(false);
        if (result is AppendResult.ConditionFailed failed)
            throw new InvalidOperationException(
                $"Tenant '{tenant}': another migration of aggregate '{migration.Aggregate}' wrote a marker while '{migration.Name}' ran: {failed.Item.Reason}");
        await processor.Gate.ReadAsync(tenant, migration.Aggregate, ct).ConfigureAwait(false);
    }

    private async Task<int> MigrateStream(AggregateMigration migration, string tenant, string stream, CancellationToken ct)
    {
        var state = await store.GetStreamState(tenant, stream, ct).ConfigureAwait(false);
        if (!state.IsLive) return 0;
        var events = await store.ReadStream(tenant, StreamRead.Forward(stream), ct).ConfigureAwait(false);
        var migrated = migration.Transform.Invoke(stream).Invoke(events);
        var metadata = EventMetadata.Of($"migration:{migration.Name}:{stream}", $"migration:{migration.Aggregate}", "hybrid-migration");
        var proposed = migrated.ToAppend.Select(d => new ProposedEvent(ids.NewId(), d, metadata)).ToArray();
        var count = 0;
        if (proposed.Length > 0)
        {
            var result = await StoreTelemetry.Append(store, AppendRequest.Of(tenant, proposed)
                .When(AppendCondition.Expect(migrated.Stream, ExpectedVersion.NoStream)), ct).ConfigureAwait(false);
            if (result is AppendResult.Appended) count = proposed.Length;
            else _logger.LogInformation("Stream {Stream} of tenant {Tenant} was already migrated to {Target}.", stream, tenant, migrated.Stream);
        }
        if (migration.DeleteOld && migrated.Stream != stream)
            await store.DeleteStream(tenant, stream, ExpectedVersion.NewExact(state.Version), ct).ConfigureAwait(false);
        return count;
    }
}
