using Npgsql;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Which server errors are an append's own fault, so that its group commit isolates it: data exceptions (class 22),
/// integrity constraint violations (23), program limits (54) and errors raised by triggers (P0001). Everything else
/// (connection, resources, serialization, bugs in our SQL) fails the whole group as before.
/// </summary>
internal static class Refusal
{
    public static bool Is(PostgresException e) =>
        e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || (e.SqlState.StartsWith("23", StringComparison.Ordinal) && e.ConstraintName != "events_id")
        || e.SqlState.StartsWith("54", StringComparison.Ordinal)
        || e.SqlState == PostgresErrorCodes.RaiseException;

    /// <summary>The typed error the refused append fails with.</summary>
    public static AppendRefusedException Of(string tenant, PostgresException e) =>
        new(tenant, "events", $"{e.MessageText} (SQLSTATE {e.SqlState})", e.SqlState);
}
