using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Routing;

/// <summary>
/// Dead letters over the databases of a tenancy map: each tenant's in its database (through the tenant's write gate,
/// so a move copies them whole). Listing every tenant's reads every reachable database.
/// </summary>
public sealed class RoutingDeadLetterStore(RoutingEventStore routes) : IDeadLetterStore
{
    /// <inheritdoc />
    public async Task Put(DeadLetter deadLetter, CancellationToken ct)
    {
        deadLetter = StoreInput.DeadLetter(deadLetter);
        var tenant = deadLetter.Tenant;
        await routes.Gate.Enter(tenant, ct);
        try
        {
            await routes.Fenced.Run(tenant, async () =>
            {
                var database = await routes.DatabaseOf(tenant, ct);
                await DatabaseCalls.Run(tenant, database.Name, () => database.DeadLetters.Put(deadLetter, ct));
                return true;
            }, ct);
        }
        finally { routes.Gate.Exit(tenant); }
    }

    /// <inheritdoc />
    public async Task<DeadLetter[]> List(string tenant, string processor, CancellationToken ct)
    {
        if (tenant is not null)
        {
            var database = await routes.DatabaseOf(tenant, ct);
            return await DatabaseCalls.Run(tenant, database.Name, () => database.DeadLetters.List(tenant, processor, ct));
        }
        var all = new List<DeadLetter>();
        foreach (var name in routes.Databases.Names)
        {
            try
            {
                foreach (var letter in await (await routes.Databases.Open(name, ct)).DeadLetters.List(null!, processor, ct))
                    if (await Routed(letter.Tenant, name, ct)) all.Add(letter);
            }
            catch (Exception e) when (StoreFailures.IsUnavailable(e)) { }
        }
        return all.OrderBy(d => d.Tenant, StringComparer.Ordinal).ThenBy(d => d.Processor, StringComparer.Ordinal).ThenBy(d => d.Position).ToArray();
    }

    private async Task<bool> Routed(string tenant, string database, CancellationToken ct)
    {
        try { return await routes.Map.DatabaseOf(tenant, ct) == database; }
        catch (UnknownTenantException) { return false; }
    }

    /// <inheritdoc />
    public async Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        var database = await routes.DatabaseOf(tenant, ct);
        return await DatabaseCalls.Run(tenant, database.Name, () => database.DeadLetters.TryGet(tenant, processor, position, ct));
    }
}
