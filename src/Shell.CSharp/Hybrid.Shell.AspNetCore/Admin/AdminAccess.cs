using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>What a caller may do on the admin surface. Deny by default: only the two roles of the options open it.</summary>
internal enum AdminAccess
{
    None,
    View,
    Act,
}

/// <summary>
/// The admin policy: the caller (from the host's <see cref="ICallerResolver"/>) and its roles decide the access, its
/// tenant the scope. A caller that cannot be resolved is refused as on the command surface (401 with
/// <c>WWW-Authenticate</c> when unauthenticated); a caller of <see cref="HybridAdminOptions.OperationsTenant"/> covers
/// every tenant, any other only its own.
/// </summary>
internal static class AdminPolicy
{
    public static async Task<AdminScope> Of(HttpContext http, ICallerResolver callers, HybridAdminOptions options)
    {
        var resolved = await CallerResolution.ResolveAsync(callers, http);
        if (resolved.Error is not null || resolved.Caller is not { } caller) return AdminScope.Unresolved(CallerResolution.Denied(http, resolved));
        var roles = caller.Roles ?? [];
        var access = roles.Contains(options.AdminRole, StringComparer.Ordinal) ? AdminAccess.Act
            : roles.Contains(options.ViewerRole, StringComparer.Ordinal) ? AdminAccess.View
            : AdminAccess.None;
        var everyTenant = options.OperationsTenant is { } operations && string.Equals(caller.Tenant, operations, StringComparison.Ordinal);
        return new AdminScope(access, everyTenant ? null : caller.Tenant, null);
    }
}
