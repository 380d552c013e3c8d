using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Shell.Commands;

/// <summary>What a live migration did.</summary>
public sealed record MigrationReport(string Aggregate, int Tenants, int Streams, int EventsWritten);

/// <summary>
/// Migrates an aggregate type while the application runs: pauses the type's commands (running ones finish,
/// new ones wait), transforms every stream of every tenant to the new shape, swaps in the new command
/// definitions and resumes. Commands waiting longer than the processor's bound get a retryable
/// <see cref="CommandOutcome.Unavailable"/>; none is lost. Re-running after a crash skips streams already written.
/// </summary>
public sealed class AggregateMigrator(IEventStore store, IIdSource ids, CommandProcessor processor, ILogger<AggregateMigrator>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Runs the migration; commands of the aggregate resume when it ends, even when it fails.</summary>
    public async Task<MigrationReport> MigrateAsync(AggregateMigration migration, CancellationToken ct)
    {
        var valid = AggregateMigrationModule.validate(migration);
        if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(migration));
        await processor.Gate.PauseAsync(migration.Aggregate, ct).ConfigureAwait(false);
        try
        {
            int tenants = 0, streams = 0, written = 0;
            foreach (var tenant in await store.GetTenants(ct).ConfigureAwait(false))
            {
                tenants++;
                var source = await store.Read(tenant, migration.Source, ct).ConfigureAwait(false);
                foreach (var stream in AggregateMigrationModule.streamsOf(source))
                {
                    written += await MigrateStream(migration, tenant, stream, ct).ConfigureAwait(false);
                    streams++;
                }
            }
            processor.Commands.Replace(migration.Commands);
            _logger.LogInformation("Migrated aggregate {Aggregate}: {Streams} streams of {Tenants} tenants, {Events} events written.",
                migration.Aggregate, streams, tenants, written);
            return new MigrationReport(migration.Aggregate, tenants, streams, written);
        }
        finally
        {
            processor.Gate.Resume(migration.Aggregate);
        }
    }

    private async Task<int> MigrateStream(AggregateMigration migration, string tenant, string stream, CancellationToken ct)
    {
        var state = await store.GetStreamState(tenant, stream, ct).ConfigureAwait(false);
        if (!state.IsLive) return 0;
        var events = await store.ReadStream(tenant, StreamRead.Forward(stream), ct).ConfigureAwait(false);
        var migrated = migration.Transform.Invoke(stream).Invoke(events);
        var metadata = EventMetadata.Of($"migration:{migration.Aggregate}:{stream}", $"migration:{migration.Aggregate}", "hybrid-migration");
        var proposed = migrated.ToAppend.Select(d => new ProposedEvent(ids.NewId(), d, metadata)).ToArray();
        var count = 0;
        if (proposed.Length > 0)
        {
            var result = await store.Append(AppendRequest.Of(tenant, proposed)
                .When(AppendCondition.Expect(migrated.Stream, ExpectedVersion.NoStream)), ct).ConfigureAwait(false);
            if (result is AppendResult.Appended) count = proposed.Length;
            else _logger.LogInformation("Stream {Stream} of tenant {Tenant} was already migrated to {Target}.", stream, tenant, migrated.Stream);
        }
        if (migration.DeleteOld && migrated.Stream != stream)
            await store.DeleteStream(tenant, stream, ExpectedVersion.NewExact(state.Version), ct).ConfigureAwait(false);
        return count;
    }
}
