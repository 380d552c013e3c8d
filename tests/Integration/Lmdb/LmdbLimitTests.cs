using Hybrid.Shell.Lmdb.EventStore;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>The map grows by itself up to its maximum; there, an append fails with a clear error and nothing acknowledged is lost.</summary>
public sealed class LmdbLimitTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-limit-");
    private static readonly CancellationToken Ct = CancellationToken.None;

    public void Dispose() => _temp.Delete(recursive: true);

    private LmdbEventStoreOptions Options => new()
    {
        Directory = Path.Combine(_temp.FullName, "store"),
        InitialMapSize = 1L << 20,
        MaxMapSize = 4L << 20,
    };

    [Fact]
    public async Task the_map_grows_to_its_maximum_then_an_append_fails_with_store_full_and_every_acknowledged_event_survives_a_reopen()
    {
        var acknowledged = new List<RecordedEvent>();
        LmdbStoreFullException? full = null;
        using (var store = LmdbEventStore.Open(Options))
        {
            var body = $"\"{new string('y', 20_000)}\"";
            for (var i = 0; i < 1000 && full is null; i++)
            {
                try
                {
                    acknowledged.AddRange((await store.Append(AppendRequest.Of("acme", Propose(Enumerable.Range(0, 5)
                        .Select(k => WithBody("Bulky", $"s-{i % 10}", body)).ToArray())), Ct)).Events);
                }
                catch (LmdbStoreFullException e)
                {
                    full = e;
                }
            }
            Assert.NotNull(full);
            Assert.Contains("is full: it reached its maximum size of 4,194,304 bytes", full.Message);
            Assert.Contains("Nothing of this write was stored", full.Message);
            Assert.Equal(4L << 20, store.MapSize);
            Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} events fit");
            Assert.Equal(acknowledged.Count, await store.GetHead("acme", Ct));
            // Reads go on at the maximum.
            Assert.Equal(acknowledged.Count, (await store.Read("acme", EventQuery.All, Ct)).Length);
        }
        using var reopened = LmdbEventStore.Open(Options);
        Assert.Equal(acknowledged.Select(e => (e.Id, e.Position, e.Stream, e.StreamVersion)),
            (await reopened.Read("acme", EventQuery.All, Ct)).Select(e => (e.Id, e.Position, e.Stream, e.StreamVersion)));
    }
}
