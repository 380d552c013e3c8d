namespace Hybrid.Shell.Operations;

/// <summary>A logical check of any store through its contract.</summary>
public sealed partial class HybridOperations
{
    private const int VerifyPage = 1000;

    /// <summary>
    /// Reads every tenant's whole log and checks what every store promises: positions from 1 without gaps, in order,
    /// ending at the head; an id never reused at another position; checkpoints and dead letters at or below the head.
    /// Reports progress per tenant. (The embedded store also has a file-level check, <c>LmdbStoreVerifier</c>.)
    /// </summary>
    public async Task<StoreVerification> Verify(IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var problems = new List<string>();
        var tenants = await store.GetTenants(ct);
        long events = 0;
        foreach (var tenant in tenants)
        {
            var head = await store.GetHead(tenant, ct);
            events += await VerifyLog(tenant, head, problems, progress, ct);
            foreach (var processor in Processors)
            {
                var checkpoint = await store.ReadCheckpoint(tenant, processor, ct);
                if (checkpoint.Position > head)
                    problems.Add($"Tenant '{tenant}': processor '{processor}' has its checkpoint at {checkpoint.Position}, beyond the head {head}.");
            }
            foreach (var letter in await deadLetters.List(tenant, null!, ct))
                if (letter.Position > head)
                    problems.Add($"Tenant '{tenant}': the dead letter of processor '{letter.Processor}' names position {letter.Position}, beyond the head {head}.");
        }
        return new StoreVerification(tenants.Length, events, problems);
    }

    private async Task<long> VerifyLog(string tenant, long head, List<string> problems, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var ids = new Dictionary<Guid, long>();
        long last = 0, read = 0;
        while (true)
        {
            var page = await store.Read(tenant, EventQuery.All.AfterPosition(last).Take(VerifyPage), ct);
            foreach (var e in page)
            {
                read++;
                if (e.Position != last && e.Position != last + 1)
                    problems.Add($"Tenant '{tenant}': position {e.Position} follows {last}; positions must have no gaps.");
                if (ids.TryGetValue(e.Id, out var at) && at != e.Position)
                    problems.Add($"Tenant '{tenant}': event id {e.Id} is at positions {at} and {e.Position}.");
                ids[e.Id] = e.Position;
                last = e.Position;
            }
            progress?.Report(new OperationProgress($"verify {tenant}", last, head));
            if (page.Length < VerifyPage) break;
        }
        if (last != head) problems.Add($"Tenant '{tenant}': the log ends at position {last}, but the head is {head}.");
        return read;
    }
}
