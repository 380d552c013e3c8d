namespace Hybrid.Shell.Operations;

/// <summary>Processors: pause, resume, replay from a position, lag per tenant.</summary>
public sealed partial class HybridOperations
{
    /// <summary>Every pause in force.</summary>
    public Task<ProcessorPause[]> Pauses(CancellationToken ct) => leases.Pauses(ct);

    /// <summary>
    /// Pauses a processor for a tenant, or for every tenant when <paramref name="tenant"/> is null: every node gives the
    /// work up at its next rebalancing (after the event in flight, flushing its checkpoint). True when it was not paused so.
    /// </summary>
    public async Task<bool> Pause(string processor, string? tenant, CancellationToken ct)
    {
        KnownProcessor(processor);
        if (tenant is not null) await KnownTenant(tenant, ct);
        return await leases.Pause(processor, tenant ?? Pausing.everyTenant, ct);
    }

    /// <summary>
    /// Lifts a pause (of a tenant, or the every-tenant pause when null); true when there was one. Resuming one tenant
    /// of a processor paused for every tenant is refused as invalid input, with nothing changed: the tenant would stay
    /// paused, however the answer read.
    /// </summary>
    public async Task<bool> Resume(string processor, string? tenant, CancellationToken ct)
    {
        KnownProcessor(processor);
        if (tenant is not null)
        {
            await KnownTenant(tenant, ct);
            if ((await leases.Pauses(ct)).Any(p => p.Tenant == Pausing.everyTenant && Pausing.stops(processor, tenant, p)))
                throw Invalid($"Tenant '{tenant}': processor '{processor}' is paused for every tenant, which resuming one tenant does not lift: " +
                              "resume it for every tenant (no tenant given), then pause the tenants that are to stay paused.");
        }
        return await leases.Resume(processor, tenant ?? Pausing.everyTenant, ct);
    }

    /// <summary>
    /// Sets a processor back for a tenant so that it handles the events after <paramref name="position"/> again
    /// (emits are not duplicated, their ids derive from the source event; effects run again). A position past the
    /// checkpoint is refused as invalid input: it would skip the events in between. Online: the processor is
    /// paused for the tenant, the nodes stop it (waiting up to <see cref="ReplayWait"/>; refused as busy otherwise,
    /// with nothing changed), its checkpoint is set back, and the pause is lifted unless it was paused before.
    /// </summary>
    public async Task<ReplayOutcome> Replay(string processor, string tenant, long position, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        KnownProcessor(processor);
        var head = await Head(tenant, ct);
        if (position < 0 || position > head)
            throw Invalid($"Tenant '{tenant}': processor '{processor}' can replay from a position between 0 and the head {head}, not {position}.");
        var before = await store.ReadCheckpoint(tenant, processor, ct);
        // Moving a checkpoint forward would skip the events in between without handling or dead-lettering them.
        if (position > before.Position)
            throw Invalid($"Tenant '{tenant}': processor '{processor}' is at checkpoint {before.Position}; a replay sets it back to a position up to {before.Position}, not {position}, and never skips events.");
        var wasPaused = Pausing.isPaused(await leases.Pauses(ct), processor, tenant);
        var covering = await CoveringLease(processor, tenant, ct);
        if (!wasPaused) await leases.Pause(processor, tenant, ct);
        try
        {
            await WaitUntilStopped(processor, tenant, covering, progress, ct);
            await store.ResetCheckpoint(tenant, processor, position, ct);
        }
        finally
        {
            if (!wasPaused) await leases.Resume(processor, tenant, CancellationToken.None);
        }
        progress?.Report(new OperationProgress($"replay {processor} for {tenant}", 1, 1));
        return new ReplayOutcome(processor, tenant, before.Position, position, wasPaused);
    }

    /// <summary>
    /// Waits until no node runs the processor for the tenant: the lease covering it is gone, or was taken again after the
    /// pause (a new fencing token: the new holder skips the paused tenant).
    /// </summary>
    private async Task WaitUntilStopped(string processor, string tenant, Lease? covering, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + ReplayWait;
        var waited = 0;
        while (covering is not null)
        {
            var now = await CoveringLease(processor, tenant, ct);
            if (now is null || now.FencingToken != covering.FencingToken) return;
            if (clock.GetUtcNow() >= deadline)
                throw new OperationRefusedException(OperationRefusal.Busy,
                    $"Tenant '{tenant}': node '{now.Owner}' still runs processor '{processor}' after {ReplayWait.TotalSeconds:0} s; nothing was changed, try again.");
            progress?.Report(new OperationProgress($"waiting for node {now.Owner} to stop {processor} for {tenant}", ++waited, 0));
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, ct);
        }
    }

    /// <summary>The live lease whose resource covers the tenant for the processor, or null.</summary>
    private async Task<Lease?> CoveringLease(string processor, string tenant, CancellationToken ct)
    {
        foreach (var lease in await leases.List($"processor/{processor}/", ct))
            if (LeaseCovers(lease.Resource, processor, tenant)) return lease;
        return null;
    }

    /// <summary>True when a lease resource of the processor covers the tenant (its own, or the shard the tenant falls in).</summary>
    private bool LeaseCovers(string resource, string processor, string tenant) =>
        _definitions.TryGetValue(processor, out var definition)
        && TodoProcessorModule.tenantsOf(definition, resource, [tenant]).Contains(tenant);

    /// <summary>The lag of every processor for every tenant (or one tenant), with pauses and leases.</summary>
    public async Task<ProcessorLag[]> Lag(string? tenant, CancellationToken ct)
    {
        var tenants = tenant is null ? await Tenants(ct) : [tenant];
        if (tenant is not null) await KnownTenant(tenant, ct);
        var pauses = await leases.Pauses(ct);
        var held = await leases.List("processor/", ct);
        var lags = new List<ProcessorLag>();
        foreach (var t in tenants)
        {
            var head = await store.GetHead(t, ct);
            foreach (var processor in Processors)
            {
                var checkpoint = await store.ReadCheckpoint(t, processor, ct);
                var lease = held.FirstOrDefault(l => l.Resource.StartsWith($"processor/{processor}/", StringComparison.Ordinal)
                    && LeaseCovers(l.Resource, processor, t));
                lags.Add(new ProcessorLag(processor, t, head, checkpoint.Position, Pausing.isPaused(pauses, processor, t), lease?.Owner, lease?.ExpiresAt));
            }
        }
        return lags.ToArray();
    }
}
