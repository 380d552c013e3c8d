using Hybrid.Shell.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Sample.Host;

/// <summary>
/// At startup, whether the master key of <see cref="SampleHybrid.MasterKeyVariable"/> opens the personal data already
/// stored: the latest invite of the first tenant that has one is read through crypto-shredding, which unwraps its
/// subject's key. One read per tenant until an invite is found, so the check is cheap; a key that does not open it stops
/// the server before anything is served, instead of every command touching personal data failing later. A store that
/// cannot be read yet (PostgreSQL opens in the background, retrying while the database is down) skips the check: each
/// request touching the data then answers 503 naming the tenant.
/// </summary>
internal static class MasterKeyCheck
{
    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the variable (never its value) and the tenant when the configured
    /// master key does not open the stored keys; does nothing without a master key or personal data.
    /// </summary>
    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable(SampleHybrid.MasterKeyVariable) is not { Length: > 0 }) return;
        var store = services.GetRequiredService<IEventStore>();
        var latestInvite = EventQuery.OfTypes(Invites.personalData.EventType).Backwards().Take(1);
        string[] tenants;
        try { tenants = await store.GetTenants(ct); }
        catch (StoreUnavailableException) { return; }
        foreach (var tenant in tenants)
        {
            try
            {
                if ((await store.Read(tenant, latestInvite, ct)).Length > 0) return;
            }
            catch (StoreUnavailableException) { return; }
            catch (SubjectKeyUnopenableException unopenable)
            {
                throw new ArgumentException(
                    $"{SampleHybrid.MasterKeyVariable} does not open the personal data stored for tenant '{unopenable.Tenant}': it is not " +
                    "the master key its subject keys were wrapped with (or they were stored before a master key was set). " +
                    "Give the key they were stored with.", unopenable);
            }
        }
    }
}
