using Hybrid.Shell.Lifecycle;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Archives: a tenant's events written to JSON lines with a checksum per line read back identical; a damaged file is
/// reported with its name and line and nothing of it is returned.
/// </summary>
public abstract class ArchiveConformance(IEventStoreFactory factory) : ConformanceSuite(factory), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-archive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task an_archive_reads_back_the_events_it_was_written_with()
    {
        await AppendOk(Of("Created", "order-1", "customer:1"), WithBody("Noted", null, """{"text":"line\nbreak ✓"}"""), Of("Paid", "order-1"));
        var path = Path.Combine(_dir, "t.jsonl");
        Assert.Equal(2, await EventArchive.WriteAsync(Store, Tenant, 0, 2, path, Ct));
        var back = await EventArchive.ReadAsync(path, Ct);
        var stored = (await ReadAll()).Take(2).ToArray();
        Assert.Equal(stored.Select(e => (e.Id, e.Position, e.Stream, e.StreamVersion, e.Type, e.Body, e.Timestamp)),
            back.Select(e => (e.Id, e.Position, e.Stream, e.StreamVersion, e.Type, e.Body, e.Timestamp)));
        Assert.Equal(stored[0].Tags, back[0].Tags);
        Assert.Equal(2, File.ReadAllLines(path).Length);
    }

    [Fact]
    public async Task a_damaged_archive_is_reported_with_its_name_and_line_and_nothing_is_read()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"), Of("Shipped", "order-1"));
        var path = Path.Combine(_dir, "damaged.jsonl");
        await EventArchive.WriteAsync(Store, Tenant, 0, 3, path, Ct);
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1].Replace("Paid", "Paix");
        File.WriteAllLines(path, lines);
        var error = await Assert.ThrowsAsync<ArchiveDamagedException>(() => EventArchive.ReadAsync(path, Ct));
        Assert.Equal(path, error.File);
        Assert.Equal(2, error.Line);
        Assert.Contains("damaged.jsonl", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public async Task a_truncated_archive_line_is_reported_and_not_imported()
    {
        await AppendOk(Of("Created", "order-1"));
        var path = Path.Combine(_dir, "cut.jsonl");
        await EventArchive.WriteAsync(Store, Tenant, 0, 1, path, Ct);
        File.AppendAllText(path, "0123 {\"id\":");
        var error = await Assert.ThrowsAsync<ArchiveDamagedException>(() => EventArchive.ReadAsync(path, Ct));
        Assert.Equal(2, error.Line);
    }
}
