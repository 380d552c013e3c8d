using System.Collections.Concurrent;
using Hybrid.Shell.Stores;

namespace Hybrid.InMemory.Lifecycle;

/// <summary>Subject keys kept in memory, per tenant: the reference key store for tests and simulations.</summary>
public sealed class InMemorySubjectKeyStore : ISubjectKeyStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Subject), byte[]> _keys = new();

    /// <inheritdoc />
    public Task<byte[]> GetOrAdd(string tenant, string subject, byte[] candidate, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        ArgumentNullException.ThrowIfNull(candidate);
        return Task.FromResult(_keys.GetOrAdd((tenant, subject), candidate));
    }

    /// <inheritdoc />
    public Task<byte[]> TryGet(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        return Task.FromResult(_keys.TryGetValue((tenant, subject), out var key) ? key : null!);
    }

    /// <inheritdoc />
    public Task<bool> Forget(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        return Task.FromResult(_keys.TryRemove((tenant, subject), out _));
    }
}
