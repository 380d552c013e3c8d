using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Hybrid.Sample.Host;

/// <summary>The data directory's layout, and where it is when <c>--data</c> is not given.</summary>
public static class SampleDataDirectory
{
    /// <summary>
    /// The embedded event store's folder inside a data directory: a separate LMDB environment from the read-model
    /// cache, which lives in the data directory itself.
    /// </summary>
    public static string EventStore(string dataDirectory) => Path.Combine(dataDirectory, "events");

    /// <summary>
    /// Why the commands that work on a data directory's store (ops, verify, backup) refuse <paramref name="dataDirectory"/>:
    /// it holds no event store (no DIR/events/data.mdb), so a mistyped --data would otherwise create an empty one or
    /// answer about nothing. A user's mistake (exit 2); null when there is a store.
    /// </summary>
    public static string? NoStoreIn(string dataDirectory) =>
        File.Exists(Path.Combine(EventStore(dataDirectory), "data.mdb"))
            ? null
            : $"--data: there is no event store in '{EventStore(dataDirectory)}' (no data.mdb): give the data directory a serve wrote.";

    /// <summary>
    /// A per-user directory under the temp directory, one per database: the cache holds folds of one database's log,
    /// so pointing the same directory at another database would serve another log's state.
    /// </summary>
    public static string Default(string postgres)
    {
        var cs = new NpgsqlConnectionStringBuilder(postgres);
        var database = $"{cs.Host}:{cs.Port}/{cs.Database}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database)))[..12];
        return Path.Combine(Path.GetTempPath(), $"hybrid-sample-{Environment.UserName}", $"{Safe(cs.Database ?? "postgres")}-{hash}");
    }

    private static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
