using Npgsql;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>Which failures a subscription outlives by reading again later: lost connections and server restarts.</summary>
internal static class Transient
{
    public static bool Is(Exception e) => e switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        IOException or TimeoutException or System.Net.Sockets.SocketException => true,
        _ => false,
    };
}
