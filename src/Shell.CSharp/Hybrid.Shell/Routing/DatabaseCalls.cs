using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Routing;

/// <summary>
/// Runs a call on a tenant's database and says whose call failed when the database is unreachable: a
/// <see cref="StoreUnavailableException"/> naming the tenant and the database (HTTP 503), never a silent fallback.
/// </summary>
internal static class DatabaseCalls
{
    public static async Task<T> Run<T>(string tenant, string database, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (Exception e) when (StoreFailures.IsUnavailable(e) && !Names(e, tenant))
        {
            throw Unavailable(tenant, database, e);
        }
    }

    public static async Task Run(string tenant, string database, Func<Task> call)
    {
        try { await call(); }
        catch (Exception e) when (StoreFailures.IsUnavailable(e) && !Names(e, tenant))
        {
            throw Unavailable(tenant, database, e);
        }
    }

    public static StoreUnavailableException Unavailable(string tenant, string database, Exception e) =>
        new($"Tenant '{tenant}': database '{database}' is unavailable: {e.Message}", e);

    private static bool Names(Exception e, string tenant) =>
        e is StoreUnavailableException && e.Message.StartsWith($"Tenant '{tenant}': database", StringComparison.Ordinal);
}
