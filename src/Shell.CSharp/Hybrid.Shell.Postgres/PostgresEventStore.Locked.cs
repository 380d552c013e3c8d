using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Postgres.Writing;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;
using Npgsql;

namespace Hybrid.Shell.Postgres;

// Stream deletion and checkpoint writes: each a short transaction under the tenant row lock, so they serialize with
// appends (whose conditions and fences they affect).
public sealed partial class PostgresEventStore
{
    /// <inheritdoc />
    public async Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        StoreInput.Expected(tenant, "expected", expected);
        return await UnderTenantLockAsync<StreamState, DeleteResult>(tenant, _sql.StreamState, p => p.AddWithValue("stream", stream),
            async reader => await reader.ReadAsync(ct).ConfigureAwait(false) ? new StreamState(reader.GetInt64(0), reader.GetInt64(1)) : new StreamState(0, 0),
            state =>
            {
                var verdict = AppendConditionModule.checkVersion(stream, expected, state.Version, state.IsLive);
                if (verdict.IsError) return (DeleteResult.NewDeleteFailed(verdict.ErrorValue), null);
                if (state.Version == 0) return (DeleteResult.NewStreamDeleted(0), null);
                return (DeleteResult.NewStreamDeleted(state.Version), command =>
                {
                    command.Add(tenant, _sql.DeleteStream).Parameters.AddWithValue("stream", stream);
                });
            }, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant);
        batch.Add(tenant, _sql.Checkpoints).Parameters.AddWithValue("processors", new[] { processor });
        await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new Checkpoint(reader.GetInt64(1), reader.GetInt64(2)) : new Checkpoint(0, 0);
    }

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct)
    {
        StoreInput.Claim(tenant, processor, fencingToken);
        return ChangeCheckpointAsync(tenant, processor, current => Fencing.claim(tenant, processor, current, fencingToken), ct);
    }

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct)
    {
        StoreInput.CheckpointWrite(tenant, write);
        return ChangeCheckpointAsync(tenant, write.Processor, current => Fencing.write(tenant, current, write), ct);
    }

    /// <inheritdoc />
    public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        StoreInput.Position(tenant, "position", position);
        return ChangeCheckpointAsync(tenant, processor,
            current => FSharpResult<Checkpoint, ConditionFailure>.NewOk(new Checkpoint(position, current.Fence)), ct);
    }

    private Task<FSharpResult<Checkpoint, ConditionFailure>> ChangeCheckpointAsync(string tenant, string processor,
        Func<Checkpoint, FSharpResult<Checkpoint, ConditionFailure>> change, CancellationToken ct) =>
        UnderTenantLockAsync<Checkpoint, FSharpResult<Checkpoint, ConditionFailure>>(tenant, _sql.Checkpoints, p => p.AddWithValue("processors", new[] { processor }),
            async reader => await reader.ReadAsync(ct).ConfigureAwait(false) ? new Checkpoint(reader.GetInt64(1), reader.GetInt64(2)) : new Checkpoint(0, 0),
            current =>
            {
                var changed = change(current);
                if (changed.IsError) return (changed, null);
                var next = changed.ResultValue;
                return (changed, command =>
                {
                    var upsert = command.Add(tenant, _sql.WriteCheckpoints);
                    upsert.Parameters.AddWithValue("processors", new[] { processor });
                    upsert.Parameters.AddWithValue("positions", new[] { next.Position });
                    upsert.Parameters.AddWithValue("fences", new[] { next.Fence });
                });
            }, ct);

    /// <summary>
    /// Locks the tenant row and runs one read in a first round trip, decides in memory, then writes what the decision
    /// asks for and commits in a second (or rolls back when it asks for nothing).
    /// </summary>
    private async Task<TResult> UnderTenantLockAsync<TState, TResult>(string tenant, string readSql, Action<NpgsqlParameterCollection> parameters,
        Func<NpgsqlDataReader, Task<TState>> read, Func<TState, (TResult Result, Action<NpgsqlBatch>? Write)> decide, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            TState state;
            await using (var batch = TenantScope.Begin(connection, tenant, explicitTransaction: true))
            {
                batch.Add(tenant, _sql.LockTenant);
                parameters(batch.Add(tenant, readSql).Parameters);
                await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
                await reader.NextResultAsync(ct).ConfigureAwait(false);
                state = await read(reader).ConfigureAwait(false);
            }
            var (result, write) = decide(state);
            await using var finish = new NpgsqlBatch(connection);
            write?.Invoke(finish);
            finish.BatchCommands.Add(new NpgsqlBatchCommand(write is null ? "ROLLBACK" : "COMMIT"));
            await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return result;
        }
        catch
        {
            await ConditionalCommit.RollbackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }
}
