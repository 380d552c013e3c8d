using Hybrid.Shell.Lmdb;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// A damaged read-model cache never takes the process down: a file whose pages would crash a reader is found by the
/// probe (in a child process), moved aside with a warning and recreated empty; a damaged entry is dropped. A load
/// returns what was written or nothing, never something else: the engine rebuilds what is missing from the log.
/// </summary>
public sealed class LmdbCacheDamageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ReadModelKey Key(int i) => new("tenant-" + i % 3, "model", 1, $"scope-{i}");

    private static byte[] Piece(int i) => Enumerable.Range(0, 40 + i * 97 % 6000).Select(b => (byte)(b * 31 + i)).ToArray();

    private const int Instances = 60;

    private static byte[] BuildCache(string directory)
    {
        using (var store = new LmdbReadModelStore(directory))
            for (var i = 0; i < Instances; i++)
                store.Write(Key(i), i + 1, new PieceWrite(-1, true, [new StoredPiece("state", Piece(i)), new StoredPiece("index", [(byte)i])], []));
        return File.ReadAllBytes(Path.Combine(directory, "data.mdb"));
    }

    [Fact]
    public void random_bytes_over_the_cache_never_crash_the_process_and_a_load_returns_what_was_written_or_nothing()
    {
        var pristine = BuildCache(Path.Combine(_dir.Path, "pristine"));
        var recovered = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var directory = Path.Combine(_dir.Path, $"seed-{seed}");
            Directory.CreateDirectory(directory);
            var bytes = (byte[])pristine.Clone();
            var random = new Random(seed);
            for (var burst = random.Next(1, 4); burst > 0; burst--)
            {
                var at = random.Next(bytes.Length);
                random.NextBytes(bytes.AsSpan(at, Math.Min(random.Next(1, 33), bytes.Length - at)));
            }
            File.WriteAllBytes(Path.Combine(directory, "data.mdb"), bytes);
            var log = new WarningLog<LmdbReadModelStore>();
            using (var store = new LmdbReadModelStore(new LmdbReadModelStoreOptions { Directory = directory }, log))
            {
                recovered += store.FileRecoveries;
                Assert.Equal(store.FileRecoveries, log.Warnings.Count);
                for (var i = 0; i < Instances; i++)
                {
                    var loaded = store.Load(Key(i));
                    if (loaded is null) continue;
                    Assert.Equal(i + 1, loaded.Value.Watermark);
                    Assert.Equal(Piece(i), loaded.Value.Pieces.Single(p => p.Name == "state").Bytes);
                    Assert.Equal([(byte)i], loaded.Value.Pieces.Single(p => p.Name == "index").Bytes);
                }
                store.Write(Key(0), 99, new PieceWrite(-1, true, [new StoredPiece("state", [9])], []));
                Assert.Equal(99, store.Load(Key(0))!.Value.Watermark);
            }
            Directory.Delete(directory, recursive: true);
        }
        Assert.True(recovered > 0, "some damage hit the file's structure and the cache was recreated");
    }

    [Fact]
    public void a_cache_entry_whose_size_points_past_the_file_is_moved_aside_with_a_warning_instead_of_crashing_the_reader()
    {
        BuildCache(_dir.Path);
        var bytes = File.ReadAllBytes(_dir.DataFile);
        // An LMDB leaf node: data size (low and high 16 bits), flags, key size, then the key. A 2 GiB size makes any
        // reader of the value run off the end of the map. Every copy of the node is changed (pages left free by
        // earlier writes hold older ones).
        var key = LmdbKeys.Piece(LmdbKeys.InstancePrefix(Key(1)), "index");
        var copies = 0;
        for (var at = bytes.AsSpan().IndexOf(key); at > 0; at = bytes.AsSpan(at + 1).IndexOf(key) is var next and >= 0 ? at + 1 + next : -1)
        {
            bytes[at - 6] = 0xFF;
            bytes[at - 5] = 0x7F;
            copies++;
        }
        Assert.True(copies > 0);
        File.WriteAllBytes(_dir.DataFile, bytes);

        var log = new WarningLog<LmdbReadModelStore>();
        using var store = new LmdbReadModelStore(new LmdbReadModelStoreOptions { Directory = _dir.Path }, log);
        Assert.Equal(1, store.FileRecoveries);
        Assert.Contains("running past its page", store.LastFileDamage);
        var warning = Assert.Single(log.Warnings);
        Assert.Contains(_dir.DataFile, warning);
        Assert.Contains("rebuilt from the log", warning);
        Assert.Single(Directory.GetFiles(_dir.Path, "data.mdb.damaged-*"));
        Assert.Null(store.Load(Key(1)));
        store.Write(Key(1), 5, new PieceWrite(-1, true, [new StoredPiece("state", [1])], []));
        Assert.Equal(5, store.Load(Key(1))!.Value.Watermark);
    }

    [Fact]
    public void a_damaged_cache_file_is_moved_aside_under_a_name_stamped_by_the_options_clock_not_the_machines()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir.Path, "clocked")).FullName;
        File.WriteAllBytes(Path.Combine(directory, "data.mdb"), []);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

        using var store = new LmdbReadModelStore(new LmdbReadModelStoreOptions { Directory = directory, Clock = clock });

        Assert.Equal(1, store.FileRecoveries);
        Assert.True(File.Exists(Path.Combine(directory, "data.mdb.damaged-20260102T030405678")),
            string.Join(", ", Directory.EnumerateFiles(directory).Select(Path.GetFileName)));
    }
}
