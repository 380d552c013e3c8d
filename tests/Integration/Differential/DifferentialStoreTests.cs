using Hybrid.InMemory.EventStore;
using Hybrid.Tests.Integration.Conformance.InMemory;
using Hybrid.Tests.Integration.Lmdb.Conformance;
using Hybrid.Tests.Integration.Postgres.Conformance;
using Hybrid.Tests.StoreDifferential;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Differential;

/// <summary>
/// Every store answers random operation sequences exactly as the pure model does (the core's Append.decide over plain
/// arrays): values, failure kinds, positions, reads; concurrent groups in some order the model allows. PostgreSQL's own
/// SQL paths (the one-statement and guarded commits, query filters, stream reads) are held to the core this way.
/// Enroll another store with one more line in <see cref="StoresAsync"/>. A failure prints the seed to replay with.
/// </summary>
public sealed class DifferentialStoreTests(ITestOutputHelper output)
{
    /// <summary>Sequences per run: at least 200 against PostgreSQL in every CI run.</summary>
    private const int Sequences = 200;

    /// <summary>A seed whose sequences reach the planted bug.</summary>
    private const ulong PlantedBugSeed = 42;

    private static async Task<EnrolledStore[]> StoresAsync() =>
    [
        EnrolledStore.Of("in-memory", await new InMemoryStoreFactory().CreateAsync()),
        EnrolledStore.Of("postgres", await new PostgresStoreFactory().CreateAsync()),
        EnrolledStore.Of("lmdb", await new LmdbStoreFactory().CreateAsync()),
        EnrolledStore.Of("lmdb-short-tail", await new LmdbStoreFactory(indexTailLength: 2).CreateAsync()),
    ];

    [Fact]
    public async Task every_store_answers_random_sequences_as_the_model_does()
    {
        var stores = await StoresAsync();
        output.WriteLine(await Task.Run(() => Hybrid.Tests.StoreDifferential.Differential.Check(stores, Sequences)));
    }

    [Fact]
    public async Task a_planted_bug_in_one_store_is_caught_and_the_seed_printed()
    {
        EnrolledStore[] stores = [EnrolledStore.Of("in-memory", new InMemoryEventStore()), EnrolledStore.Of("planted", new OffByOneLimitStore(new InMemoryEventStore()))];
        // A fixed seed: random sequences reach a limited read of two or more matches in almost every run, not in all
        // (one CI run in many missed it), and this test is about what a caught difference reports.
        var error = await Assert.ThrowsAsync<DifferenceException>(() =>
            Task.Run(() => Hybrid.Tests.StoreDifferential.Differential.Check(stores, 500, PlantedBugSeed)));
        Assert.Contains("Store 'planted'", error.Message);
        Assert.Contains(Hybrid.Tests.StoreDifferential.Differential.SeedVariable + $"={PlantedBugSeed}", error.Message);
    }
}
