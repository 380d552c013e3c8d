using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>What a caller may do on the admin surface. Deny by default: only the two roles of the options open it.</summary>
internal enum AdminAccess
{
    None,
    View,
    Act,
}

/// <summary>The admin policy: the caller (from the host's <see cref="ICallerResolver"/>) and its roles decide the access.</summary>
internal static class AdminPolicy
{
    public static async Task<AdminAccess> Of(HttpContext http, ICallerResolver callers, HybridAdminOptions options)
    {
        CallerResult resolved;
        try { resolved = await callers.ResolveAsync(http); }
        catch (Exception) { return AdminAccess.None; }
        if (resolved.Error is not null || resolved.Caller is not { } caller) return AdminAccess.None;
        if ((caller.Roles ?? []).Contains(options.AdminRole, StringComparer.Ordinal)) return AdminAccess.Act;
        return (caller.Roles ?? []).Contains(options.ViewerRole, StringComparer.Ordinal) ? AdminAccess.View : AdminAccess.None;
    }
}
