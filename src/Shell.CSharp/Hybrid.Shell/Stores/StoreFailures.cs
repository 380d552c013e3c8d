using System.Data.Common;
using System.Net.Sockets;

namespace Hybrid.Shell.Stores;

/// <summary>
/// Which exceptions mean "the store cannot be reached just now" (HTTP 503 with Retry-After) rather than bad input or
/// a defect, for any store: <see cref="StoreUnavailableException"/>, timeouts, socket failures, and ADO.NET failures
/// the driver calls transient or whose SQLSTATE is a connection exception (08), insufficient resources (53) or
/// operator intervention (57: shutdown, cancelled statement). Inner exceptions count too.
/// </summary>
public static class StoreFailures
{
    /// <summary>True when the exception, or one it wraps, says the store is unavailable or timed out.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable)) return true;
            if (e is StoreUnavailableException or TimeoutException or SocketException) return true;
            if (e is DbException db && (db.IsTransient || IsUnavailableState(db.SqlState))) return true;
        }
        return false;
    }

    private static bool IsUnavailableState(string? sqlState) =>
        sqlState is { Length: 5 } && (sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState.StartsWith("53", StringComparison.Ordinal)
            || sqlState.StartsWith("57", StringComparison.Ordinal));
}
