using Hybrid.Shell.Stores;
using Npgsql;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>
/// Which failures a subscription or a commit outlives by trying again later: what <see cref="StoreFailures"/> calls
/// unavailable (lost connections, server restarts, timeouts), and any other failure of the driver or the socket.
/// </summary>
internal static class Transient
{
    public static bool Is(Exception e) =>
        StoreFailures.IsUnavailable(e) || e is IOException || (e is NpgsqlException and not PostgresException);
}
