using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Http.Admin;

/// <summary>Registers what <see cref="HybridAdminEndpoints.MapHybridAdmin"/> needs: antiforgery (for its forms) and its options.</summary>
public static class HybridAdminServiceCollectionExtensions
{
    /// <summary>Adds ASP.NET Core antiforgery (the admin forms' tokens) and, when given, the admin options.</summary>
    public static IServiceCollection AddHybridAdmin(this IServiceCollection services, HybridAdminOptions? options = null)
    {
        services.AddAntiforgery();
        if (options is not null) services.AddSingleton(options);
        return services;
    }
}
