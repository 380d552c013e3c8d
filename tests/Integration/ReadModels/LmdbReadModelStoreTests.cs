using Hybrid.Shell.Lmdb;

namespace Hybrid.Tests.Integration.ReadModels;

public sealed class LmdbReadModelStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly ReadModelKey Key = K();

    private static ReadModelKey K(string tenant = "tenant-1", string model = "model", int version = 1, string scope = "") =>
        new(tenant, model, version, scope);

    private static PieceWrite Full(params (string Name, byte[] Bytes)[] pieces) =>
        new(-1, true, pieces.Select(p => new StoredPiece(p.Name, p.Bytes)).ToArray(), []);

    [Fact]
    public void Written_pieces_load_back_with_their_watermark()
    {
        using var store = new LmdbReadModelStore(_dir.Path);
        store.Write(Key, 42, Full(("a", [1, 2, 3]), ("b", [4])));
        var loaded = store.Load(Key)!.Value;
        Assert.Equal(42, loaded.Watermark);
        Assert.Equal(["a", "b"], loaded.Pieces.Select(p => p.Name).Order());
        Assert.Equal([1, 2, 3], loaded.Pieces.Single(p => p.Name == "a").Bytes);
        Assert.Null(store.Load(K(scope: "other")));
        Assert.Null(store.Load(K(tenant: "tenant-2")));
    }

    [Fact]
    public void A_delta_applies_only_on_the_watermark_it_was_computed_from()
    {
        using var store = new LmdbReadModelStore(_dir.Path);
        store.Write(Key, 10, Full(("a", [1]), ("b", [2])));
        Assert.Equal(-1, store.Write(Key, 12, new PieceWrite(9, false, [new StoredPiece("a", [9])], [])));
        Assert.True(store.Write(Key, 12, new PieceWrite(10, false, [new StoredPiece("a", [9])], ["b"])) > 0);
        var loaded = store.Load(Key)!.Value;
        Assert.Equal(12, loaded.Watermark);
        Assert.Equal([9], loaded.Pieces.Single().Bytes);
        store.Delete(Key);
        Assert.Equal(-1, store.Write(Key, 13, new PieceWrite(12, false, [new StoredPiece("a", [1])], [])));
        Assert.Null(store.Load(Key));
    }

    [Fact]
    public void The_map_grows_when_full_instead_of_failing()
    {
        using var store = new LmdbReadModelStore(new LmdbReadModelStoreOptions { Directory = _dir.Path, InitialMapSize = 256 << 10 });
        var piece = new byte[64 << 10];
        for (var i = 0; i < 40; i++)
        {
            piece[0] = (byte)i;
            store.Write(K(scope: $"s{i}"), i, Full(("p", piece)));
        }
        Assert.True(store.MapGrowths > 0);
        Assert.True(store.MapSize > 256 << 10);
        for (var i = 0; i < 40; i++) Assert.Equal((byte)i, store.Load(K(scope: $"s{i}"))!.Value.Pieces.Single().Bytes[0]);
    }

    [Fact]
    public void A_truncated_file_is_detected_and_recreated_empty()
    {
        using (var store = new LmdbReadModelStore(_dir.Path))
            for (var i = 0; i < 50; i++) store.Write(K(scope: $"s{i}"), i, Full(("p", new byte[3000])));
        var length = new FileInfo(_dir.DataFile).Length;
        using (var file = new FileStream(_dir.DataFile, FileMode.Open)) file.SetLength(length / 2);
        using var reopened = new LmdbReadModelStore(_dir.Path);
        Assert.Equal(1, reopened.FileRecoveries);
        Assert.NotNull(reopened.LastFileDamage);
        Assert.Null(reopened.Load(K(scope: "s1")));
        reopened.Write(Key, 1, Full(("p", [1])));
        Assert.NotNull(reopened.Load(Key));
    }

    [Fact]
    public void A_file_of_garbage_is_detected_and_recreated_empty()
    {
        using (var store = new LmdbReadModelStore(_dir.Path)) store.Write(Key, 1, Full(("p", [1])));
        var garbage = new byte[new FileInfo(_dir.DataFile).Length];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(_dir.DataFile, garbage);
        using var reopened = new LmdbReadModelStore(_dir.Path);
        Assert.Equal(1, reopened.FileRecoveries);
        Assert.Null(reopened.Load(Key));
    }

    [Fact]
    public void A_damaged_entry_is_dropped_on_load()
    {
        var marker = "MARKER-0123456789-MARKER"u8.ToArray();
        using (var store = new LmdbReadModelStore(_dir.Path)) store.Write(Key, 5, Full(("p", marker)));
        var bytes = File.ReadAllBytes(_dir.DataFile);
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at > 0, "the marker is in the file");
        bytes[at + 8] ^= 0xFF;
        File.WriteAllBytes(_dir.DataFile, bytes);
        using var reopened = new LmdbReadModelStore(_dir.Path);
        Assert.Null(reopened.Load(Key));
        Assert.Equal(1, reopened.DamagedEntries);
        Assert.Null(reopened.Load(Key));
    }

    [Fact]
    public void Versions_are_listed_and_deleted_per_model()
    {
        using var store = new LmdbReadModelStore(_dir.Path);
        store.Write(Key, 1, Full(("p", [1])));
        store.Write(K(version: 2), 1, Full(("p", [1])));
        store.Write(K(version: 2, tenant: "tenant-2"), 1, Full(("p", [1])));
        store.Write(K(model: "modelx", version: 7), 1, Full(("p", [1])));
        Assert.Equal([1, 2], store.Versions("model"));
        Assert.Equal(2, store.DeleteVersion("model", 2));
        Assert.Equal([1], store.Versions("model"));
        Assert.Equal([7], store.Versions("modelx"));
        Assert.NotNull(store.Load(Key));
    }
}
