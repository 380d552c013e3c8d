namespace Hybrid.Shell.Http.Admin;

/// <summary>Who may use the admin endpoints and page: callers with <see cref="AdminRole"/> may act, callers with <see cref="ViewerRole"/> may look; everyone else gets 403.</summary>
public sealed record HybridAdminOptions
{
    /// <summary>The role that may view and act (retry, discard, pause, resume, replay, rebuild, verify). Default "admin".</summary>
    public string AdminRole { get; init; } = "admin";

    /// <summary>The role that may only view (the page without buttons, the GET endpoints). Default "operator".</summary>
    public string ViewerRole { get; init; } = "operator";

    /// <summary>Events per page on the tenant page.</summary>
    public int PageSize { get; init; } = 50;
}
