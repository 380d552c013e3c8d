using Hybrid.Shell.Lmdb.EventStore;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>Leases and dead letters in the embedded store's file, with the semantics of the PostgreSQL ones.</summary>
public sealed class LmdbProcessingStoreTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-processing-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _temp.Delete(recursive: true);

    private LmdbEventStore Open() => LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = Path.Combine(_temp.FullName, "store"), Clock = _clock });

    [Fact]
    public async Task leases_are_exclusive_renewable_and_each_new_grant_raises_the_fencing_token_also_after_a_reopen()
    {
        using (var store = Open())
        {
            var leases = new LmdbLeaseStore(store);
            var first = (await leases.TryAcquire("processor/p/tenant:a", "n1", TimeSpan.FromSeconds(30), default))!.Value;
            Assert.Null(await leases.TryAcquire("processor/p/tenant:a", "n2", TimeSpan.FromSeconds(30), default));
            var again = (await leases.TryAcquire("processor/p/tenant:a", "n1", TimeSpan.FromSeconds(30), default))!.Value;
            Assert.Equal(first.FencingToken, again.FencingToken);
            Assert.NotNull(await leases.Renew(first, TimeSpan.FromSeconds(30), default));
            Assert.Single(await leases.List("processor/p/", default));

            await leases.Release(first, default);
            Assert.Empty(await leases.List("processor/p/", default));
            Assert.Null(await leases.Renew(first, TimeSpan.FromSeconds(30), default));
            var second = (await leases.TryAcquire("processor/p/tenant:a", "n2", TimeSpan.FromSeconds(1), default))!.Value;
            Assert.Equal(first.FencingToken + 1, second.FencingToken);
            _clock.Advance(TimeSpan.FromSeconds(2));
        }
        using var reopened = Open();
        var store2 = new LmdbLeaseStore(reopened);
        var third = (await store2.TryAcquire("processor/p/tenant:a", "n1", TimeSpan.FromSeconds(30), default))!.Value;
        Assert.Equal(3, third.FencingToken);
        Assert.Equal("processor/p/tenant:a", Assert.Single(await store2.List("processor/", default)).Resource);
    }

    [Fact]
    public async Task dead_letters_round_trip_and_replace_by_tenant_processor_and_position()
    {
        using var store = Open();
        var letters = new LmdbDeadLetterStore(store);
        var at = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var letter = new DeadLetter("acme", "invoicer", 7, Guid.CreateVersion7(), "OrderPlaced", "boom", 3, at, DeadLetterStatus.Pending);
        await letters.Put(letter, default);
        var other = new DeadLetter("globex", "invoicer", 7, letter.EventId, "OrderPlaced", "boom", 3, at, DeadLetterStatus.Pending);
        await letters.Put(other, default);
        await letters.Put(letter.WithStatus(DeadLetterStatus.Replayed), default);

        Assert.Equal(DeadLetterStatus.Replayed, (await letters.TryGet("acme", "invoicer", 7, default))!.Value.Status);
        Assert.Equal(2, (await letters.List(null, null, default)).Length);
        Assert.Equal(other, Assert.Single(await letters.List("globex", "invoicer", default)));
        Assert.Null(await letters.TryGet("acme", "invoicer", 8, default));
        Assert.Null(await letters.TryGet("nobody", "invoicer", 7, default));
    }
}
