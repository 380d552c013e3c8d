using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Reads every record of every database and checks its checksum (and, for events, its format).</summary>
internal static class RecordCheck
{
    /// <summary>The first damaged record, as the exception that reports it; null when every record is sound.</summary>
    public static LmdbStoreDamagedException? FirstProblem(LightningTransaction tx, Databases dbs, string file)
    {
        var tenants = new StoreTxn(tx, dbs, file).TenantNamesIfReadable();
        foreach (var (name, db) in dbs.All)
        {
            using var cursor = tx.CreateCursor(db);
            var (code, key, value) = cursor.First();
            while (code == MDBResultCode.Success)
            {
                if (Problem(name, key.AsSpan(), value.AsSpan()) is { } problem)
                    return new LmdbStoreDamagedException(file, problem, name, StoreKeyText.Describe(name, key.AsSpan(), tenants));
                (code, key, value) = cursor.Next();
            }
            if (code != MDBResultCode.NotFound)
                return new LmdbStoreDamagedException(file, Files.LmdbCodes.Describe((int)code), name);
        }
        return null;
    }

    /// <summary>What is wrong with one record, or null.</summary>
    public static string? Problem(string database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!Sealed.TryOpen(key, value, out var payload)) return "a record fails its checksum";
        if (database != "events") return null;
        try
        {
            EventRecord.Read(payload, "", StoreKeys.Last(key));
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return $"an event record is malformed ({e.Message})";
        }
    }
}
