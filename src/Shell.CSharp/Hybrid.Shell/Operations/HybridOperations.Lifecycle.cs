using Hybrid.Shell.Lifecycle;

namespace Hybrid.Shell.Operations;

/// <summary>The data lifecycle: forgetting a subject (crypto-shredding), writing and reading archives.</summary>
public sealed partial class HybridOperations
{
    /// <summary>
    /// Forgets a subject of a tenant: deletes its key, so every personal value of it reads as null from now on (reads,
    /// subscriptions, read models, processors, archives written before or after), and appends a SubjectForgotten audit
    /// event (read models fold again from the start). Refused, changing nothing, when crypto-shredding is off
    /// (<see cref="OperationRefusal.ShreddingOff"/>), the tenant is unknown, the subject or reason is malformed, or the
    /// tenant has no key for the subject, which includes a subject forgotten already (<see cref="OperationRefusal.UnknownSubject"/>).
    /// </summary>
    public async Task<RecordedEvent> ForgetSubject(string tenant, string subject, string reason, CancellationToken ct)
    {
        var shredder = shredding ?? throw new OperationRefusedException(OperationRefusal.ShreddingOff,
            "Crypto-shredding is not on for this application (UseCryptoShredding), so it keeps no subject keys to forget.");
        await KnownTenant(tenant, ct);
        ForgetResult result;
        try { result = await shredder.ForgetSubject(tenant, subject, reason, ct); }
        catch (InvalidInputException e) { throw Invalid(e.Message); }
        return result switch
        {
            ForgetResult.Forgotten forgotten => forgotten.audit,
            ForgetResult.UnknownSubject unknown => throw new OperationRefusedException(OperationRefusal.UnknownSubject, unknown.reason),
            _ => throw new InvalidOperationException($"Unexpected forget result {result}."),
        };
    }

    /// <summary>
    /// Writes the tenant's events after <paramref name="after"/> up to <paramref name="upTo"/> to an archive file (see
    /// <see cref="EventArchive"/>), as stored: personal values stay sealed in it. Returns how many were written.
    /// </summary>
    public async Task<int> WriteArchive(string tenant, long after, long upTo, string path, CancellationToken ct)
    {
        await KnownTenant(tenant, ct);
        if (after < 0 || upTo < after) throw Invalid($"Tenant '{tenant}': an archive covers positions after {after} up to {upTo}; use 0 ≤ after ≤ upTo.");
        return await EventArchive.WriteAsync(shredding?.Sealed ?? store, tenant, after, upTo, path, ct);
    }

    /// <summary>
    /// Reads an archive back whole, personal values unsealed, or null for subjects forgotten since (whenever the
    /// archive was written). A damaged file throws <see cref="ArchiveDamagedException"/> naming the file and line.
    /// </summary>
    public async Task<RecordedEvent[]> ReadArchive(string path, CancellationToken ct)
    {
        var events = await EventArchive.ReadAsync(path, ct);
        return shredding is null ? events : await shredding.Reveal(events, ct);
    }
}
