using Hybrid.InMemory.Time;
using Hybrid.Shell.Routing;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The databases of a multi-database run and which of them are down: an outage lasts a few virtual minutes, during
/// which the appends of that database's tenants fail before writing, and ends by itself (or when faults are switched
/// off for the drain).
/// </summary>
public sealed class DatabaseOutages(ITenancyMap map, FaultInjector faults, VirtualClock clock)
{
    private readonly Dictionary<string, DateTimeOffset> _downUntil = new(StringComparer.Ordinal);

    /// <summary>The tenancy map the run routes by.</summary>
    public ITenancyMap Map { get; } = map;

    /// <summary>Appends refused because their tenant's database was down.</summary>
    public long Refused { get; private set; }

    /// <summary>Maybe takes a database down (one step's chance); returns it and until when, or null.</summary>
    public (string Database, DateTimeOffset Until)? MaybeStart()
    {
        if (!faults.Inject(FaultKind.DatabaseOutage)) return null;
        var database = Map.Databases[faults.Size(0, Map.Databases.Count)];
        var until = clock.GetUtcNow() + TimeSpan.FromSeconds(faults.Size(30, 600));
        _downUntil[database] = until;
        return (database, until);
    }

    /// <summary>True while the database is down.</summary>
    public bool IsDown(string database) =>
        faults.Enabled && _downUntil.TryGetValue(database, out var until) && clock.GetUtcNow() < until;

    /// <summary>Throws the injected fault when the tenant's database is down.</summary>
    public void ThrowIfDown(string tenant)
    {
        var database = Map.DatabaseOf(tenant, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (!IsDown(database)) return;
        Refused++;
        var message = $"Tenant '{tenant}': database '{database}' is down until {_downUntil[database]:O} (injected); nothing was written.";
        throw new SimulatedFaultException(FaultKind.DatabaseOutage, message, new StoreUnavailableException(message));
    }
}
