using System.Text;

namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Archives of a tenant's log in JSON lines (<see cref="ArchiveLines"/>: each line carries the SHA-256 of its event).
/// Archive the store under the crypto-shredding decorator's inner store, so personal values stay sealed in the file
/// and forgetting a subject later redacts them there too. A file is written whole (to a temporary name, then moved)
/// and read whole: a damaged line fails the read with <see cref="ArchiveDamagedException"/>, never half an import.
/// </summary>
public static class EventArchive
{
    /// <summary>Writes the tenant's events from <paramref name="after"/> (exclusive) up to <paramref name="upTo"/> (inclusive) to the file; returns how many.</summary>
    public static async Task<int> WriteAsync(IEventStore store, string tenant, long after, long upTo, string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".partial";
        var count = 0;
        await using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            var position = after;
            while (position < upTo)
            {
                var page = await store.Read(tenant, new EventQuery([], position, upTo + 1, Direction.Forward, 1000), ct).ConfigureAwait(false);
                if (page.Length == 0) break;
                foreach (var e in page) await writer.WriteLineAsync(ArchiveLines.encode(e).AsMemory(), ct).ConfigureAwait(false);
                count += page.Length;
                position = page[^1].Position;
            }
        }
        File.Move(temporary, path, overwrite: true);
        return count;
    }

    /// <summary>Every event of the archive, in file order; throws <see cref="ArchiveDamagedException"/> at the first damaged line.</summary>
    public static async Task<RecordedEvent[]> ReadAsync(string path, CancellationToken ct = default)
    {
        var events = new List<RecordedEvent>();
        var number = 0;
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            number++;
            var decoded = ArchiveLines.decode(line);
            if (decoded.IsError) throw new ArchiveDamagedException(path, number, decoded.ErrorValue);
            events.Add(decoded.ResultValue);
        }
        return events.ToArray();
    }
}
