using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>Processor pauses in <c>processor_pauses</c>, through the schema's pause functions (migration 12).</summary>
public sealed partial class PostgresLeaseStore
{
    /// <inheritdoc />
    public Task<bool> Pause(string processor, string tenant, CancellationToken ct) =>
        Flag($"SELECT {_schema}.pause_processor(@processor, @tenant)", processor, tenant, ct);

    /// <inheritdoc />
    public Task<bool> Resume(string processor, string tenant, CancellationToken ct) =>
        Flag($"SELECT {_schema}.resume_processor(@processor, @tenant)", processor, tenant, ct);

    /// <inheritdoc />
    public async Task<ProcessorPause[]> Pauses(CancellationToken ct)
    {
        await using var command = Command($"SELECT * FROM {_schema}.processor_pauses()");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var pauses = new List<ProcessorPause>();
        while (await reader.ReadAsync(ct))
            pauses.Add(new ProcessorPause(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        return pauses.ToArray();
    }

    private async Task<bool> Flag(string sql, string processor, string tenant, CancellationToken ct)
    {
        StoreInput.ProcessorPause(processor, tenant);
        await using var command = Command(sql, ("processor", processor), ("tenant", tenant));
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
