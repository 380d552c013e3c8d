namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Checks an event store offline (no process may have it open): the structure of the file (in a child process, so
/// a damaged page cannot crash this one), every record's checksum, and that the indexes agree with the log.
/// One implementation for the <c>verify</c> command and any other operations tooling.
/// </summary>
public static class LmdbStoreVerifier
{
    /// <summary>
    /// Verifies the store in the directory. Throws an <see cref="IOException"/> when a process has the store open;
    /// damage is reported in the result, never thrown.
    /// </summary>
    public static LmdbVerification Verify(string directory, TimeSpan? probeTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var dataFile = Path.Combine(directory, "data.mdb");
        if (!File.Exists(dataFile))
            return new LmdbVerification(dataFile, $"there is no event store in '{directory}' (no data.mdb)", null, null, 0, 0) { Missing = true };
        var options = new LmdbEventStoreOptions { Directory = directory, VerifyOnOpen = true, ProbeTimeout = probeTimeout ?? TimeSpan.FromMinutes(10) };
        try
        {
            using var env = StoreEnvironment.Open(options);
            LogicalCheck.Counts counts = new(0, 0);
            var problem = env.Read((tx, dbs) => LogicalCheck.FirstProblem(new StoreTxn(tx, dbs, env.DataFile), out counts));
            return problem is null
                ? new LmdbVerification(dataFile, null, null, null, counts.Tenants, counts.Events)
                : Damaged(problem, counts);
        }
        catch (LmdbStoreDamagedException e)
        {
            return Damaged(e, new LogicalCheck.Counts(0, 0));
        }
        catch (FormatException e)
        {
            return new LmdbVerification(dataFile, $"an event record is malformed ({e.Message})", "events", null, 0, 0);
        }
    }

    private static LmdbVerification Damaged(LmdbStoreDamagedException e, LogicalCheck.Counts counts) =>
        new(e.File, e.Problem, e.Database, e.Key, counts.Tenants, counts.Events);
}

/// <summary>What <see cref="LmdbStoreVerifier.Verify"/> found.</summary>
/// <param name="File">The data file checked.</param>
/// <param name="Problem">What is wrong; null when the store is sound.</param>
/// <param name="Database">The database holding the first bad key, when known.</param>
/// <param name="Key">The first bad key, described, when known.</param>
/// <param name="Tenants">Tenants found (when the store could be read).</param>
/// <param name="Events">Events found (when the store could be read).</param>
public sealed record LmdbVerification(string File, string? Problem, string? Database, string? Key, int Tenants, long Events)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool Sound => Problem is null;

    /// <summary>True when there is no store at all (no data file): not sound, but nothing damaged either.</summary>
    public bool Missing { get; init; }

    /// <summary>One line: "sound: N events of M tenants", or the damage with its first bad key.</summary>
    public override string ToString() => Sound
        ? $"{File}: sound: {Events} events of {Tenants} tenants"
        : Missing ? $"{File}: {Problem}." : new LmdbStoreDamagedException(File, Problem!, Database, Key).Message;
}
