using Hybrid.Shell.Lmdb.EventStore;
using LightningDB;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>
/// A damaged event-store file never takes the process down and never loses data silently: opening either refuses
/// with <see cref="LmdbStoreDamagedException"/> naming the file, or every event reads back exactly as written.
/// </summary>
public sealed class LmdbDamageTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-damage-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Opens the store: "refused" (with the file named), or "intact" after every event compared equal.</summary>
    private static async Task<string> OpenAndCompare(string directory)
    {
        LmdbEventStore store;
        try
        {
            store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = directory, Durable = false });
        }
        catch (LmdbStoreDamagedException e)
        {
            Assert.Contains(Path.Combine(directory, "data.mdb"), e.Message);
            return "refused";
        }
        using (store)
        {
            Assert.Equal(SampleLog.Tenants, await store.GetTenants(Ct));
            foreach (var (tenant, expected) in SampleLog.Events)
            {
                var read = await store.Read(tenant, EventQuery.All, Ct);
                Assert.Equal(expected.Select(Describe), read.Select(Describe));
                Assert.Equal(expected.Length, await store.GetHead(tenant, Ct));
                var stream = await store.ReadStream(tenant, StreamRead.Forward("order-1"), Ct);
                Assert.Equal(expected.Where(e => e.Stream == "order-1").Select(Describe), stream.Select(Describe));
                var tagged = await store.Read(tenant, EventQuery.OfTags("customer:2", "region:eu"), Ct);
                Assert.Equal(expected.Where(e => e.HasTag("customer:2") && e.HasTag("region:eu")).Select(Describe), tagged.Select(Describe));
            }
            // A re-send is still recognised: the id index is intact.
            var last = SampleLog.Events["initech"][^1];
            var again = await store.Append(AppendRequest.Of("initech", new ProposedEvent(last.Id, last.Data, last.Metadata)), Ct);
            Assert.Equal(last.Position, Assert.IsType<AppendResult.Appended>(again).Item.Single().Position);
            return "intact";
        }
    }

    private static string Describe(RecordedEvent e) =>
        $"{e.Position} {e.Id} {e.Stream}@{e.StreamVersion} {e.Type} [{string.Join(",", e.Tags)}] {e.Body} {e.Metadata} {e.Timestamp.UtcTicks}";

    [Fact]
    public async Task random_bytes_over_the_store_file_never_crash_the_process_and_every_open_store_reads_back_exactly()
    {
        var outcomes = new Dictionary<string, int>();
        const int seeds = 200;
        for (var seed = 0; seed < seeds; seed++)
        {
            var directory = SampleLog.CopyTo(_temp.FullName);
            var file = Path.Combine(directory, "data.mdb");
            var bytes = File.ReadAllBytes(file);
            var random = new Random(seed);
            for (var burst = random.Next(1, 4); burst > 0; burst--)
            {
                var at = random.Next(bytes.Length);
                var span = bytes.AsSpan(at, Math.Min(random.Next(1, 17), bytes.Length - at));
                random.NextBytes(span);
            }
            File.WriteAllBytes(file, bytes);
            var outcome = await OpenAndCompare(directory);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            Directory.Delete(directory, recursive: true);
        }
        output.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.Equal(seeds, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("refused") > seeds / 2, "most damage lands on live data and is found");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(-4096)]
    [InlineData(-1)]
    public async Task a_truncated_store_file_is_refused_naming_the_file(int length)
    {
        var directory = SampleLog.CopyTo(_temp.FullName);
        var file = Path.Combine(directory, "data.mdb");
        using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(length >= 0 ? length : stream.Length + length);
        Assert.Equal("refused", await OpenAndCompare(directory));
    }

    [Fact]
    public void a_store_whose_data_file_was_deleted_is_refused_rather_than_started_empty()
    {
        var directory = SampleLog.CopyTo(_temp.FullName);
        LmdbEventStore.Open(directory).Dispose();
        File.Delete(Path.Combine(directory, "data.mdb"));
        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbEventStore.Open(directory));
        Assert.Contains("the data file is missing", error.Message);
        Assert.False(File.Exists(Path.Combine(directory, "data.mdb")));
    }

    [Fact]
    public void a_read_model_cache_in_place_of_the_store_is_refused_as_the_wrong_file()
    {
        var directory = Path.Combine(_temp.FullName, "cache");
        using (var cache = new Hybrid.Shell.Lmdb.LmdbReadModelStore(directory))
            cache.Write(new ReadModelKey("acme", "lists", 1, ""), 3, new PieceWrite(-1, true, [new StoredPiece("state", [1, 2, 3])], []));
        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbEventStore.Open(directory));
        Assert.Contains("not a Hybrid event store", error.Message);
    }

    [Fact]
    public void a_file_that_is_not_lmdb_is_refused_as_the_wrong_file()
    {
        var directory = Path.Combine(_temp.FullName, "text");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "data.mdb"), string.Concat(Enumerable.Repeat("not a database at all\n", 2000)));
        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbEventStore.Open(directory));
        Assert.Contains("not an LMDB file", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void a_store_of_a_previous_format_is_refused_naming_both_formats_and_is_left_unchanged(int format)
    {
        var directory = Path.Combine(_temp.FullName, $"format-{format}");
        Directory.CreateDirectory(directory);
        using (var env = new LightningEnvironment(directory, new EnvironmentConfiguration { MaxDatabases = 16 }))
        {
            env.Open();
            using var tx = env.BeginTransaction();
            using var meta = tx.OpenDatabase("meta", new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
            var key = "format"u8.ToArray();
            tx.Put(meta, key, Sealed.Seal(key, System.Text.Encoding.UTF8.GetBytes($"hybrid-event-store/{format}"))).ThrowOnError();
            // Format 2 kept its versions and postings as LMDB sorted duplicates, which this version opens differently.
            if (format == 2)
                foreach (var name in new[] { "versions", "postings" })
                {
                    using var list = tx.OpenDatabase(name, new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create | DatabaseOpenFlags.DuplicatesSort | DatabaseOpenFlags.DuplicatesFixed });
                    tx.Put(list, "\0\0\0\u0001order-1"u8.ToArray(), new byte[20]).ThrowOnError();
                }
            tx.Commit().ThrowOnError();
        }
        var file = Path.Combine(directory, "data.mdb");
        var before = File.ReadAllBytes(file);

        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbEventStore.Open(directory));
        Assert.Contains($"format 'hybrid-event-store/{format}'", error.Message);
        Assert.Equal("hybrid-event-store/4", StoreEnvironment.Format);
        Assert.Contains($"reads only '{StoreEnvironment.Format}'", error.Message);
        Assert.Contains(file, error.Message);
        Assert.False(LmdbStoreVerifier.Verify(directory).Sound);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Fact]
    public void a_flipped_byte_in_an_event_is_reported_with_its_tenant_and_position_by_open_and_by_verify()
    {
        var directory = SampleLog.CopyTo(_temp.FullName);
        var file = Path.Combine(directory, "data.mdb");
        var bytes = File.ReadAllBytes(file);
        var at = bytes.AsSpan().IndexOf("\"order\":17,"u8);
        Assert.True(at > 0);
        bytes[at + 9] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var verification = LmdbStoreVerifier.Verify(directory);
        Assert.False(verification.Sound);
        Assert.Equal("events", verification.Database);
        Assert.Matches("tenant '(acme|globex|initech)', position 18", verification.Key);
        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbEventStore.Open(directory));
        Assert.Equal(verification.Key, error.Key);
        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void verify_finds_the_sample_store_sound_with_its_counts()
    {
        var directory = SampleLog.CopyTo(_temp.FullName);
        var verification = LmdbStoreVerifier.Verify(directory);
        Assert.True(verification.Sound, verification.ToString());
        Assert.Equal(3, verification.Tenants);
        Assert.Equal(SampleLog.Events.Values.Sum(e => e.Length), verification.Events);
    }

    [Fact]
    public void verify_of_a_directory_without_a_store_says_there_is_none_rather_than_calling_it_damaged()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp.FullName, "empty")).FullName;
        var verification = LmdbStoreVerifier.Verify(directory);
        Assert.False(verification.Sound);
        Assert.True(verification.Missing);
        Assert.Contains("there is no event store", verification.ToString());
        Assert.DoesNotContain("damaged", verification.ToString());
    }
}
