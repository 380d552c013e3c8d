using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Postgres.Subscriptions;
using Npgsql;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>Commits one group of appends for a tenant: the one-statement path when none has a condition or checkpoint,
/// the guarded one-round-trip path when the group's conditions reduce to an <see cref="AppendGuard"/> (expected
/// versions and "nothing matching since"), else (or when an id repeats or the guard fails) the conditional path;
/// then answers every append and wakes subscriptions (<see cref="Announce"/>). When the server
/// refuses a member for a reason of its own, the group is committed again by <see cref="IsolatingCommit"/> (unless
/// <paramref name="isolateRefusals"/> is false), so that member fails alone.</summary>
internal sealed class AppendCommitter(NpgsqlDataSource source, StoreSql sql, TimeProvider clock, TenantSignals signals, CommitNotifier? notifier,
    bool isolateRefusals = true)
{
    private const string UniqueViolation = "23505";

    public async Task CommitAsync(string tenant, IReadOnlyList<PendingAppend> batch)
    {
        try
        {
            await CommitOnceAsync(tenant, batch).ConfigureAwait(false);
        }
        catch (Exception e) when (Transient.Is(e))
        {
            // The server may have restarted: drop idle pooled connections so the next append gets a live one.
            source.Clear();
            throw;
        }
    }

    private async Task CommitOnceAsync(string tenant, IReadOnlyList<PendingAppend> batch)
    {
        var now = Timestamps.recorded(clock.GetUtcNow());
        await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
        (AppendResult? Result, Exception? Error)[] outcomes;
        try
        {
            if (await CommitFastAsync(connection, tenant, batch, now).ConfigureAwait(false)) return;
            outcomes = await ConditionalCommit.CommitAsync(connection, sql, tenant, batch, now, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException e) when (isolateRefusals && Refusal.Is(e))
        {
            // Every path leaves the connection out of any transaction when it fails, so it can run the isolating commit.
            outcomes = await IsolatingCommit.CommitAsync(connection, sql, tenant, batch, now, CancellationToken.None).ConfigureAwait(false);
        }
        // Other nodes hear of it only when a member was appended (or found stored); refusals wake this node's alone.
        if (outcomes.Any(o => o.Result is { IsAppended: true })) Announce(tenant);
        else signals.Fire(tenant);
        for (var i = 0; i < batch.Count; i++)
        {
            var (result, error) = outcomes[i];
            if (error is not null) batch[i].Completion.TrySetException(error);
            else batch[i].Completion.TrySetResult(result!);
        }
    }

    /// <summary>Wakes the tenant's subscriptions: this node's now, other nodes' through a notification.</summary>
    public void Announce(string tenant)
    {
        signals.Fire(tenant);
        notifier?.Committed(tenant);
    }

    /// <summary>The one-statement paths; false when the batch needs the conditional path (a condition, a repeated id,
    /// or a guard that found a match).</summary>
    private async Task<bool> CommitFastAsync(NpgsqlConnection connection, string tenant, IReadOnlyList<PendingAppend> batch, DateTimeOffset now)
    {
        if (batch.All(p => p.IsUnconditional))
        {
            try
            {
                var recorded = await UnconditionalCommit.CommitAsync(connection, sql, tenant, batch, now, CancellationToken.None).ConfigureAwait(false);
                Announce(tenant);
                for (var i = 0; i < batch.Count; i++) batch[i].Completion.TrySetResult(AppendResult.NewAppended(recorded[i]));
                return true;
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == "events_id")
            {
                // An id is already stored (a retried append): decide each append idempotently below.
            }
        }
        else if (AppendGuardModule.ofGroup(batch.Select(p => p.Request).ToArray()) is { IsSome: true } guard)
        {
            try
            {
                var recorded = await UnconditionalCommit.CommitGuardedAsync(connection, sql, tenant, batch, guard.Value, now, CancellationToken.None)
                    .ConfigureAwait(false);
                if (recorded is not null)
                {
                    Announce(tenant);
                    for (var i = 0; i < batch.Count; i++) batch[i].Completion.TrySetResult(AppendResult.NewAppended(recorded[i]));
                    return true;
                }
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == "events_id")
            {
            }
            // The guard failed, or an id is stored already: the conditional path gives the exact outcome (decideGroup's).
        }
        return false;
    }
}
