using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>What every admin endpoint passes through: the caller's scope (<see cref="AdminPolicy"/>) and the options.</summary>
internal sealed record AdminGate(ICallerResolver Callers, HybridAdminOptions Options)
{
    /// <summary>The caller's access and the tenant it covers.</summary>
    public Task<AdminScope> ScopeOf(HttpContext http) => AdminPolicy.Of(http, Callers, Options);
}
