using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// Counts the round trips (commands and batches) Npgsql runs against one database while it is alive, through Npgsql's
/// "Npgsql" activity source: one activity per executed command or batch, none per statement inside a batch.
/// Only commands started after it was created count (not one already waiting on a lock, say); connection opens do
/// not. Other tests' databases are told apart by the database name. The NOTIFY that tells other nodes of a commit is
/// not counted: the store sends it after the commit on a connection of its own (CommitNotifier), outside the append's
/// round trip.
/// </summary>
public sealed class RoundTrips : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly string _database;
    private readonly ConcurrentQueue<string> _texts = new();
    private readonly DateTime _since = DateTime.UtcNow;

    public RoundTrips(string connectionString)
    {
        _database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>How many commands or batches ran against the database so far.</summary>
    public int Count => _texts.Count;

    /// <summary>The text of each, for a failure message.</summary>
    public string Describe() => string.Join("\n---\n", _texts);

    private void Stopped(Activity activity)
    {
        if (activity.StartTimeUtc < _since || activity.OperationName.StartsWith("CONNECT", StringComparison.Ordinal)) return;
        if (!activity.TagObjects.Any(t => t.Key.StartsWith("db.", StringComparison.Ordinal) && Equals(t.Value as string, _database))) return;
        var text = activity.TagObjects.FirstOrDefault(t => t.Key is "db.query.text" or "db.statement").Value as string;
        if (text?.StartsWith("SELECT pg_notify(", StringComparison.Ordinal) == true) return;
        _texts.Enqueue(text ?? activity.OperationName);
    }

    public void Dispose() => _listener.Dispose();
}
