using System.Collections.Concurrent;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>In-process wake-ups per tenant: a subscription takes <see cref="Next"/> before it reads, so a commit that
/// lands between its read and its wait still wakes it.</summary>
internal sealed class TenantSignals
{
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);

    public Task Next(string tenant) => _signals.GetOrAdd(tenant, static _ => new Signal()).Next();

    public void Fire(string tenant)
    {
        if (_signals.TryGetValue(tenant, out var signal)) signal.Fire();
    }

    private sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next() => Volatile.Read(ref _next).Task;

        public void Fire() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
