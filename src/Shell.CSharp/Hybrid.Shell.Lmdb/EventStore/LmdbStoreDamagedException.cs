namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The event store's file is damaged: a record fails its checksum or format, or the file cannot be read safely.
/// Nothing is repaired automatically: the log is the source of truth. Restore from a backup, or check the file with
/// <see cref="LmdbStoreVerifier"/> (<c>hybrid-sample verify</c>).
/// </summary>
public sealed class LmdbStoreDamagedException : IOException
{
    /// <summary>A damage report for the file.</summary>
    public LmdbStoreDamagedException(string file, string problem, string? database = null, string? key = null)
        : base(Describe(file, problem, database, key))
    {
        File = file;
        Problem = problem;
        Database = database;
        Key = key;
    }

    /// <summary>The damaged file.</summary>
    public string File { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>The database (of the environment) holding the first bad key, when known.</summary>
    public string? Database { get; }

    /// <summary>The first bad key, described, when known.</summary>
    public string? Key { get; }

    private static string Describe(string file, string problem, string? database, string? key)
    {
        var where = key is null ? database is null ? "" : $" (in '{database}')" : $" (first bad key: {key} in '{database}')";
        return $"The event store file '{file}' is damaged: {problem}{where}. Restore it from a backup; 'verify' checks a store offline.";
    }
}
