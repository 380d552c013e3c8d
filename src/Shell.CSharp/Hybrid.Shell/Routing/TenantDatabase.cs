namespace Hybrid.Shell.Routing;

/// <summary>One database of a tenancy map, opened: its event store (with checkpoints), lease store and dead-letter store.</summary>
/// <param name="Name">The database's name in the tenancy map.</param>
/// <param name="Store">Its event store, which also holds checkpoints.</param>
/// <param name="Leases">Its lease store.</param>
/// <param name="DeadLetters">Its dead-letter store.</param>
/// <param name="Resources">What the stores share and do not dispose themselves (a connection pool), disposed last.</param>
public sealed record TenantDatabase(string Name, IEventStore Store, ILeaseStore Leases, IDeadLetterStore DeadLetters, IAsyncDisposable? Resources = null)
    : IAsyncDisposable
{
    /// <summary>Disposes the stores that hold resources (connection pools, listeners).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var part in new object[] { Store, Leases, DeadLetters }.Distinct())
        {
            if (part is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (part is IDisposable disposable) disposable.Dispose();
        }
        if (Resources is not null) await Resources.DisposeAsync();
    }
}
