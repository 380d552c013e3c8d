using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Leases;

/// <summary>Leases kept in memory, timed by the given clock (a virtual one in simulations). Thread-safe.</summary>
public sealed class InMemoryLeaseStore(TimeProvider clock) : ILeaseStore
{
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _tokens = new(StringComparer.Ordinal);
    private readonly SortedDictionary<(string Processor, string Tenant), ProcessorPause> _pauses = new(
        Comparer<(string Processor, string Tenant)>.Create((a, b) =>
            string.CompareOrdinal(a.Processor, b.Processor) is var c and not 0 ? c : string.CompareOrdinal(a.Tenant, b.Tenant)));
    private readonly object _gate = new();

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> TryAcquire(string resource, string owner, TimeSpan duration, CancellationToken ct)
    {
        StoreInput.LeaseRequest(resource, owner, duration);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_leases.TryGetValue(resource, out var held) && held.ExpiresAt > now && held.Owner != owner)
                return Task.FromResult(FSharpOption<Lease>.None);
            var token = held is not null && held.Owner == owner && held.ExpiresAt > now
                ? held.FencingToken
                : _tokens[resource] = _tokens.GetValueOrDefault(resource) + 1;
            var lease = new Lease(resource, owner, token, now + duration);
            _leases[resource] = lease;
            return Task.FromResult(FSharpOption<Lease>.Some(lease));
        }
    }

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> Renew(Lease lease, TimeSpan duration, CancellationToken ct)
    {
        StoreInput.Lease(lease, duration);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_leases.TryGetValue(lease.Resource, out var held) || held.FencingToken != lease.FencingToken
                || held.Owner != lease.Owner || held.ExpiresAt <= now)
                return Task.FromResult(FSharpOption<Lease>.None);
            var renewed = new Lease(held.Resource, held.Owner, held.FencingToken, now + duration);
            _leases[lease.Resource] = renewed;
            return Task.FromResult(FSharpOption<Lease>.Some(renewed));
        }
    }

    /// <inheritdoc />
    public Task Release(Lease lease, CancellationToken ct)
    {
        StoreInput.Lease(lease);
        lock (_gate)
        {
            if (_leases.TryGetValue(lease.Resource, out var held) && held.FencingToken == lease.FencingToken)
                _leases.Remove(lease.Resource);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Lease[]> List(string prefix, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
            return Task.FromResult(_leases.Values
                .Where(l => l.Resource.StartsWith(prefix, StringComparison.Ordinal) && l.ExpiresAt > now)
                .OrderBy(l => l.Resource, StringComparer.Ordinal).ToArray());
    }

    /// <inheritdoc />
    public Task<int> ForgetNodes(TimeSpan goneFor, CancellationToken ct)
    {
        var before = clock.GetUtcNow() - goneFor;
        lock (_gate)
        {
            var gone = _leases.Values.Where(l => l.Resource.StartsWith(Leasing.nodePrefix, StringComparison.Ordinal) && l.ExpiresAt < before)
                .Select(l => l.Resource).ToList();
            foreach (var resource in gone)
            {
                _leases.Remove(resource);
                _tokens.Remove(resource);
            }
            return Task.FromResult(gone.Count);
        }
    }

    /// <inheritdoc />
    public Task<bool> Pause(string processor, string tenant, CancellationToken ct)
    {
        StoreInput.ProcessorPause(processor, tenant);
        var pause = new ProcessorPause(processor, tenant, clock.GetUtcNow());
        lock (_gate) return Task.FromResult(_pauses.TryAdd((processor, tenant), pause));
    }

    /// <inheritdoc />
    public Task<bool> Resume(string processor, string tenant, CancellationToken ct)
    {
        StoreInput.ProcessorPause(processor, tenant);
        lock (_gate) return Task.FromResult(_pauses.Remove((processor, tenant)));
    }

    /// <inheritdoc />
    public Task<ProcessorPause[]> Pauses(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_pauses.Values.ToArray());
    }
}
