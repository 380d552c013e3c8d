namespace Hybrid.Shell.Postgres.Routing;

/// <summary>What a tenant's move did.</summary>
/// <param name="Tenant">The tenant moved.</param>
/// <param name="From">The database it left.</param>
/// <param name="To">The database it lives in now.</param>
/// <param name="Rows">Rows copied per table (events, streams, tenants, checkpoints, processor_leases, dead_letters…), each verified by count and checksum.</param>
/// <param name="Pause">How long the tenant's writes were held.</param>
/// <param name="LeftoversRemoved">Rows of an earlier, interrupted move found in the target and removed first.</param>
public sealed record TenantMoveReport(string Tenant, string From, string To, IReadOnlyDictionary<string, long> Rows, TimeSpan Pause, long LeftoversRemoved);
