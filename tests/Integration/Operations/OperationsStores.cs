using Hybrid.Shell.Hosting;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.Postgres;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Operations;

public sealed class InMemoryOperationsConformance : OperationsConformance
{
    protected override Task Use(HybridBuilder hybrid)
    {
        hybrid.UseInMemory();
        return Task.CompletedTask;
    }
}

public sealed class PostgresOperationsConformance : OperationsConformance
{
    protected override async Task Use(HybridBuilder hybrid) =>
        hybrid.UsePostgres(PostgresEventStoreOptions.ForAdmin(await PostgresTestServer.CreateDatabaseAsync("hybrid_ops")));
}

public sealed class LmdbOperationsConformance : OperationsConformance, IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-ops-");

    protected override Task Use(HybridBuilder hybrid)
    {
        hybrid.UseEmbeddedStore(Path.Combine(_temp.FullName, "events"));
        return Task.CompletedTask;
    }

    public void Dispose() => _temp.Delete(recursive: true);
}

public sealed class InMemoryForgetSubjectConformance : ForgetSubjectConformance
{
    protected override Task Use(HybridBuilder hybrid)
    {
        hybrid.UseInMemory();
        return Task.CompletedTask;
    }
}

public sealed class InMemoryScheduledRetentionConformance : ScheduledRetentionConformance
{
    protected override Task Use(HybridBuilder hybrid)
    {
        hybrid.UseInMemory();
        return Task.CompletedTask;
    }
}

public sealed class PostgresForgetSubjectConformance : ForgetSubjectConformance
{
    protected override async Task Use(HybridBuilder hybrid) =>
        hybrid.UsePostgres(PostgresEventStoreOptions.ForAdmin(await PostgresTestServer.CreateDatabaseAsync("hybrid_forget")));
}

public sealed class LmdbForgetSubjectConformance : ForgetSubjectConformance
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-forget-");

    protected override Task Use(HybridBuilder hybrid)
    {
        hybrid.UseEmbeddedStore(Path.Combine(_temp.FullName, $"events-{Guid.NewGuid():N}"));
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        base.Dispose();
        _temp.Delete(recursive: true);
    }
}

public sealed class PostgresScheduledRetentionConformance : ScheduledRetentionConformance
{
    protected override async Task Use(HybridBuilder hybrid) =>
        hybrid.UsePostgres(PostgresEventStoreOptions.ForAdmin(await PostgresTestServer.CreateDatabaseAsync("hybrid_retention")));
}

public sealed class LmdbScheduledRetentionConformance : ScheduledRetentionConformance, IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-retention-");

    protected override Task Use(HybridBuilder hybrid)
    {
        hybrid.UseEmbeddedStore(Path.Combine(_temp.FullName, "events"));
        return Task.CompletedTask;
    }

    public void Dispose() => _temp.Delete(recursive: true);
}
