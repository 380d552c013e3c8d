using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Processors;
using Hybrid.Shell.ReadModels;

namespace Hybrid.Shell.Operations;

/// <summary>
/// The operator's API, shared by the command line, the admin endpoints and the admin page: dead letters (list, show,
/// retry, discard), processors (pause, resume, replay from a position, lag per tenant), read models (rebuild online,
/// versions, cache statistics), a logical check of the store, and the data lifecycle (forgetting a subject, archives).
/// Every request is checked first (tenant, processor, read model, dead letter and its status, subject): a bad one throws an <see cref="OperationRefusedException"/> and changes
/// nothing. Pauses live in the lease store, so every node honours them.
/// </summary>
public sealed partial class HybridOperations(
    IEventStore store,
    ILeaseStore leases,
    IDeadLetterStore deadLetters,
    DeadLetterOperations deadLetterOperations,
    ReadModelEngine readModels,
    IEnumerable<TodoProcessor> processors,
    TimeProvider clock,
    ITenantCatalogue? catalogue = null,
    CryptoShreddingEventStore? shredding = null)
{
    private readonly Dictionary<string, TodoProcessor> _definitions = processors.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>How long a replay waits for the nodes to stop the processor for the tenant before it is refused as busy.</summary>
    public TimeSpan ReplayWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The processors and producers, by name.</summary>
    public IReadOnlyList<string> Processors => _definitions.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The read models with their versions, by name.</summary>
    public IReadOnlyList<(string Name, int Version)> ReadModels =>
        readModels.Models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (m.Name, m.Version)).ToArray();

    /// <summary>What the read-model caches have done on this node.</summary>
    public ReadModelCacheStatistics CacheStatistics => readModels.Statistics;

    /// <summary>The tenants with events or registered in the catalogue, in ordinal order.</summary>
    public async Task<string[]> Tenants(CancellationToken ct)
    {
        var tenants = new SortedSet<string>(await store.GetTenants(ct), StringComparer.Ordinal);
        if (catalogue is not null) tenants.UnionWith((await catalogue.List(ct)).Select(e => e.Tenant));
        return tenants.ToArray();
    }

    /// <summary>The tenant's head (its last position).</summary>
    public async Task<long> Head(string tenant, CancellationToken ct)
    {
        await KnownTenant(tenant, ct);
        return await store.GetHead(tenant, ct);
    }

    /// <summary>A page of the tenant's log: up to <paramref name="count"/> events after <paramref name="after"/>, upcast as readers see them.</summary>
    public async Task<RecordedEvent[]> Events(string tenant, long after, int count, CancellationToken ct)
    {
        await KnownTenant(tenant, ct);
        if (after < 0) throw Invalid($"Tenant '{tenant}': the position to read after is {after}; use 0 or more.");
        if (count is < 1 or > 1000) throw Invalid($"Tenant '{tenant}': a page holds 1 to 1000 events, not {count}.");
        return await store.Read(tenant, EventQuery.All.AfterPosition(after).Take(count), ct);
    }

    /// <summary>A page of one stream's live events: up to <paramref name="count"/> after <paramref name="afterVersion"/> (<c>Names.NoVersion</c> for the start).</summary>
    public async Task<RecordedEvent[]> StreamEvents(string tenant, string stream, long afterVersion, int count, CancellationToken ct)
    {
        await KnownTenant(tenant, ct);
        if (count is < 1 or > 1000) throw Invalid($"Tenant '{tenant}': a page holds 1 to 1000 events, not {count}.");
        try { return await store.ReadStream(tenant, new StreamRead(stream, afterVersion, long.MaxValue, Direction.Forward, count), ct); }
        catch (InvalidInputException e) { throw Invalid(e.Message); }
    }

    private async Task KnownTenant(string tenant, CancellationToken ct)
    {
        try { Stores.StoreInput.Tenant(tenant); }
        catch (InvalidInputException e) { throw Invalid(e.Message); }
        if (Array.BinarySearch(await Tenants(ct), tenant, StringComparer.Ordinal) < 0)
            throw new OperationRefusedException(OperationRefusal.UnknownTenant, $"No tenant is named '{tenant}': it has no events and is not registered.");
    }

    private void KnownProcessor(string processor)
    {
        if (!Processors.Contains(processor, StringComparer.Ordinal))
            throw new OperationRefusedException(OperationRefusal.UnknownProcessor,
                $"No processor is named '{processor}'; known: {(Processors.Count == 0 ? "none" : string.Join(", ", Processors))}.");
    }

    private static OperationRefusedException Invalid(string message) => new(OperationRefusal.InvalidInput, message);
}
