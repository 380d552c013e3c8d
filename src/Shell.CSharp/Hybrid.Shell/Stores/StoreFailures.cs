using System.Data.Common;
using System.Net.Sockets;

namespace Hybrid.Shell.Stores;

/// <summary>
/// Which exceptions mean "the store cannot be reached just now" (HTTP 503 with Retry-After) rather than bad input or
/// a defect, for any store: <see cref="StoreUnavailableException"/>, a store's own <see cref="IStoreUnavailableFailure"/>, timeouts, socket failures, and ADO.NET failures
/// the driver calls transient or whose SQLSTATE is a connection exception (08), insufficient resources (53) or
/// operator intervention (57: shutdown, cancelled statement). Inner exceptions count too. A write refused because its
/// tenant is fenced in that database (a move under way or done, <see cref="TenantFencedState"/>) is unavailable too.
/// </summary>
public static class StoreFailures
{
    /// <summary>The SQLSTATE a database raises for a write of a tenant it has fenced (moving, or moved away).</summary>
    public const string TenantFencedState = "55H01";

    /// <summary>True when the exception, or one it wraps, is a database refusing a write of a fenced tenant.</summary>
    public static bool IsTenantFenced(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTenantFenced)) return true;
            if (e is DbException { SqlState: TenantFencedState }) return true;
        }
        return false;
    }

    /// <summary>True when the exception, or one it wraps, says the store is unavailable or timed out.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable)) return true;
            if (e is StoreUnavailableException or IStoreUnavailableFailure or TimeoutException or SocketException) return true;
            if (e is DbException db && (db.IsTransient || IsUnavailableState(db.SqlState) || db.SqlState == TenantFencedState)) return true;
        }
        return false;
    }

    private static bool IsUnavailableState(string? sqlState) =>
        sqlState is { Length: 5 } && (sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState.StartsWith("53", StringComparison.Ordinal)
            || sqlState.StartsWith("57", StringComparison.Ordinal));
}
