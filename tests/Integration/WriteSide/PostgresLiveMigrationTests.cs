using System.Collections.Concurrent;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Postgres;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.TestDomain;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// A live migration on PostgreSQL while two hosts (two stores with their own connection pools, two command processors)
/// keep sending commands: every accepted command ends up in the new shape, and no event of the old shape is written
/// once the migration started in a tenant.
/// </summary>
public sealed class PostgresLiveMigrationTests
{
    private static readonly string[] Tenants = ["mig-a", "mig-b"];
    private static readonly string[] Counters = ["c1", "c2", "c3"];
    private const int WritersPerHost = 3;
    private const int CommandsPerWriter = 12;

    private sealed record Accepted(string Tenant, string Counter, int Shape);

    private static AggregateMigration V2 => WriteSideCatalog.CounterV2.migration;

    [Fact]
    public async Task two_hosts_keep_writing_through_a_migration_and_nothing_is_lost_or_written_in_the_old_shape_after_it_started()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync("hybrid_live_mig");
        await using var storeA = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        await using var storeB = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin) with { MigrationConnectionString = null });
        var options = new CommandProcessorOptions { PausedWait = TimeSpan.FromSeconds(20), MaxAttempts = 20 };
        var (hostA, hostB) = (Processor(storeA, options), Processor(storeB, options));
        hostB.KnowMigration(V2); // deployed on every node before it runs
        foreach (var tenant in Tenants)
            foreach (var counter in Counters)
                Increment(tenant, counter, await hostA.ExecuteJsonAsync(User(tenant), "Increment", Body(counter), null, default), new ConcurrentBag<Accepted>());

        var accepted = new ConcurrentBag<Accepted>();
        var started = new TaskCompletionSource();
        var writers = new[] { hostA, hostB }.SelectMany((host, h) => Enumerable.Range(0, WritersPerHost).Select(w => Task.Run(async () =>
        {
            var random = new Random(h * 100 + w);
            for (var i = 0; i < CommandsPerWriter; i++)
            {
                var (tenant, counter) = (Tenants[random.Next(Tenants.Length)], Counters[random.Next(Counters.Length)]);
                while (true)
                {
                    var outcome = await host.ExecuteJsonAsync(User(tenant), "Increment", Body(counter), null, default);
                    if (outcome is CommandOutcome.Unavailable or CommandOutcome.Conflict) continue; // a client retries
                    Increment(tenant, counter, outcome, accepted);
                    break;
                }
                if (accepted.Count >= 6) started.TrySetResult();
            }
        }))).ToArray();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var report = await new AggregateMigrator(storeA, UuidV7IdSource.System, hostA).MigrateAsync(V2, default);
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(Tenants.Length, report.Tenants);
        Assert.Equal(2 * WritersPerHost * CommandsPerWriter, accepted.Count);
        Assert.Contains(accepted, a => a.Shape == 1);
        Assert.Contains(accepted, a => a.Shape == 2);
        foreach (var tenant in Tenants)
        {
            var log = await storeB.Read(tenant, EventQuery.All, default);
            var startedAt = log.Single(e => e.Type == AggregateMigrationModule.StartedType).Position;
            var completedAt = log.Single(e => e.Type == AggregateMigrationModule.CompletedType).Position;
            var lateOld = log.Where(e => e.Stream is { } s && s.StartsWith("counter-", StringComparison.Ordinal) && e.Position > startedAt).ToArray();
            Assert.True(lateOld.Length == 0, $"Tenant {tenant}: {lateOld.Length} old-shape event(s) written after the migration started at {startedAt}.");
            var earlyNew = log.Where(e => e.Stream is { } s && s.StartsWith("counter2-", StringComparison.Ordinal) && e.Position < startedAt).ToArray();
            Assert.Empty(earlyNew);
            var commandsInNewShape = log.Where(e => e.Type == "Incremented" && e.Stream!.StartsWith("counter2-", StringComparison.Ordinal));
            Assert.All(commandsInNewShape, e => Assert.True(e.Position > completedAt));
            foreach (var counter in Counters)
            {
                var stream = await storeB.ReadStream(tenant, StreamRead.Forward(WriteSideCatalog.CounterV2.streamOf(counter)), default);
                var total = Decider.foldRecorded(Counter.decider, WriteSideCatalog.CounterV2.codec, stream).Total;
                Assert.Equal(1 + accepted.Count(a => a.Tenant == tenant && a.Counter == counter), total);
            }
        }
    }

    private static string Body(string counter) => $$"""{"counterId":"{{counter}}","by":1}""";

    private static void Increment(string tenant, string counter, CommandOutcome outcome, IProducerConsumerCollection<Accepted> accepted)
    {
        var written = outcome.AssertAccepted();
        var shape = written.ResultJson().Contains("\"shape\":2") ? 2 : 1;
        Assert.Equal(shape == 2 ? "counter2-" + counter : "counter-" + counter, Assert.Single(written.Events).Stream);
        accepted.TryAdd(new Accepted(tenant, counter, shape));
    }
}
