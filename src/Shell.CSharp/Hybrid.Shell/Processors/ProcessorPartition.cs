namespace Hybrid.Shell.Processors;

/// <summary>
/// A part of the tenants that gets a processor host of its own on every node (one per database of a tenancy map):
/// its leases and node heartbeats live in <paramref name="Leases"/>, so nodes share its work fairly among themselves,
/// and a partition that fails (its database is down) stalls only its own host.
/// </summary>
/// <param name="Name">The partition's name (the database's), for logs.</param>
/// <param name="Leases">Where the partition's leases and node heartbeats are held.</param>
/// <param name="Tenants">The partition's tenants with events (what the host's <c>GetTenants</c> answers).</param>
public sealed record ProcessorPartition(string Name, ILeaseStore Leases, Func<CancellationToken, Task<string[]>> Tenants);
