using Hybrid.Shell.Lmdb.EventStore;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>A backup is a consistent copy taken while writers append: restored, it holds every event up to its moment, exactly.</summary>
public sealed class LmdbBackupTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-backup-");
    private static readonly CancellationToken Ct = CancellationToken.None;

    public void Dispose() => _temp.Delete(recursive: true);

    private static string Describe(RecordedEvent e) =>
        $"{e.Position} {e.Id} {e.Stream}@{e.StreamVersion} {e.Type} [{string.Join(",", e.Tags)}] {e.Body} {e.Metadata} {e.Timestamp.UtcTicks}";

    // The store copies itself: LmdbBackup.Copy opens the environment again, which LMDB allows only from another
    // process (the backup command's case, tested with the sample) — a second open in this process can fault it.
    [Fact]
    public async Task a_backup_taken_while_writers_append_restores_every_event_up_to_the_copy_exactly()
    {
        var live = Path.Combine(_temp.FullName, "live");
        var copy = Path.Combine(_temp.FullName, "copy");
        using var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = live, Durable = false });
        for (var i = 0; i < 200; i++) await store.Append(AppendRequest.Of($"t{i % 3}", Propose(Of("Early", $"s-{i % 7}", $"k:{i % 5}"))), Ct);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
                await store.Append(AppendRequest.Of($"t{w}", Propose(Of("During", $"s-{i % 7}", $"k:{i % 5}"))), Ct);
        })).ToArray();
        await Task.Delay(50);
        store.BackupTo(copy);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(LmdbStoreVerifier.Verify(copy).Sound);
        using var restored = LmdbEventStore.Open(copy);
        foreach (var tenant in await store.GetTenants(Ct))
        {
            var now = await store.Read(tenant, EventQuery.All, Ct);
            var copied = await restored.Read(tenant, EventQuery.All, Ct);
            Assert.True(copied.Length >= 200 / 3, $"{tenant}: {copied.Length} events in the copy");
            Assert.Equal(now.Take(copied.Length).Select(Describe), copied.Select(Describe));
            Assert.Equal(copied.Length, await restored.GetHead(tenant, Ct));
        }
    }

    [Fact]
    public void a_backup_into_a_directory_that_is_not_empty_is_refused_as_the_callers_mistake_and_copies_nothing()
    {
        var live = Path.Combine(_temp.FullName, "live");
        LmdbEventStore.Open(live).Dispose();
        var target = Directory.CreateDirectory(Path.Combine(_temp.FullName, "busy")).FullName;
        File.WriteAllText(Path.Combine(target, "note.txt"), "mine");
        Assert.Contains("is not empty", Assert.Throws<ArgumentException>(() => LmdbBackup.Copy(live, target)).Message);
        Assert.Equal(["note.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public void a_backup_of_a_store_with_a_damaged_record_names_the_stores_file_and_its_first_bad_key_and_leaves_no_copy_behind()
    {
        var live = WithADamagedRecord();
        var file = Path.Combine(live, "data.mdb");
        var target = Path.Combine(_temp.FullName, "backups", "monday");

        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbBackup.Copy(live, target));

        Assert.Equal(file, error.File); // the store is damaged, not the copy: the copy only carried the damage over
        Assert.Equal("events", error.Database);
        Assert.Matches("tenant '(acme|globex|initech)', position 18", error.Key);
        Assert.False(Directory.Exists(Path.Combine(_temp.FullName, "backups")), "the failed copy was left behind, so a retry would find the target not empty");
    }

    [Fact]
    public void a_backup_of_an_empty_store_file_says_the_file_is_empty_with_no_empty_database_name_and_creates_nothing()
    {
        var live = Path.Combine(_temp.FullName, "live");
        LmdbEventStore.Open(live).Dispose();
        File.WriteAllBytes(Path.Combine(live, "data.mdb"), []);
        var target = Path.Combine(_temp.FullName, "copy");

        var error = Assert.Throws<LmdbStoreDamagedException>(() => LmdbBackup.Copy(live, target));

        Assert.Equal("the file is empty", error.Problem);
        Assert.Null(error.Database);
        Assert.DoesNotContain("(in '')", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void a_backup_into_an_existing_empty_directory_that_fails_leaves_the_directory_there_and_empty()
    {
        var live = WithADamagedRecord(); // found once copied: the copy's files were written
        var target = Directory.CreateDirectory(Path.Combine(_temp.FullName, "mounted-volume")).FullName;

        Assert.Throws<LmdbStoreDamagedException>(() => LmdbBackup.Copy(live, target));

        Assert.True(Directory.Exists(target), "a directory the operator made is not removed");
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    /// <summary>The sample log's store with one byte of an event's body flipped: LMDB reads it, its checksum fails.</summary>
    private string WithADamagedRecord()
    {
        var live = SampleLog.CopyTo(_temp.FullName);
        var file = Path.Combine(live, "data.mdb");
        var bytes = File.ReadAllBytes(file);
        var at = bytes.AsSpan().IndexOf("\"order\":17,"u8);
        Assert.True(at > 0);
        bytes[at + 9] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        return live;
    }
}
