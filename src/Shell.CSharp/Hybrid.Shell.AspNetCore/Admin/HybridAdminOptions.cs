namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// Who may use the admin endpoints and page: callers with <see cref="AdminRole"/> may act, callers with
/// <see cref="ViewerRole"/> may look; everyone else gets 403. Each sees and acts on its own tenant only, unless its
/// tenant is <see cref="OperationsTenant"/>.
/// </summary>
public sealed record HybridAdminOptions
{
    /// <summary>The role that may view and act (retry, discard, pause, resume, replay, rebuild, verify). Default "admin".</summary>
    public string AdminRole { get; init; } = "admin";

    /// <summary>The role that may only view (the page without buttons, the GET endpoints). Default "operator".</summary>
    public string ViewerRole { get; init; } = "operator";

    /// <summary>
    /// The tenant whose viewers and admins see and act on every tenant (a platform's operations team). Null (the
    /// default): nobody does, and a tenant's admin (a role a tenant may hand out for its own commands) reaches its own
    /// tenant only; another tenant's pages and operations answer 403, and listings show its own tenant's rows only.
    /// </summary>
    public string? OperationsTenant { get; init; }

    /// <summary>The Retry-After of a 503 answered because the store is unavailable or timed out (2 s, as the command surface's).</summary>
    public TimeSpan UnavailableRetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Events per page on the tenant page.</summary>
    public int PageSize { get; init; } = 50;
}
