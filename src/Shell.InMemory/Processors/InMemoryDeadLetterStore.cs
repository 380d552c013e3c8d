using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Processors;

/// <summary>Dead letters kept in memory, one per (tenant, processor, position), checked and kept as every store keeps them. Thread-safe.</summary>
public sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    private readonly SortedDictionary<(string Tenant, string Processor, long Position), DeadLetter> _letters = new(OrdinalKeys.Instance);
    private readonly object _gate = new();

    /// <inheritdoc />
    public Task Put(DeadLetter deadLetter, CancellationToken ct)
    {
        var kept = StoreInput.DeadLetter(deadLetter);
        lock (_gate) _letters[(kept.Tenant, kept.Processor, kept.Position)] = kept;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct)
    {
        StoreInput.DeadLetterFilter(tenant, processor);
        lock (_gate)
            return Task.FromResult(_letters.Values
                .Where(d => (tenant is null || d.Tenant == tenant) && (processor is null || d.Processor == processor))
                .ToArray());
    }

    /// <inheritdoc />
    public Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        lock (_gate)
            return Task.FromResult(_letters.TryGetValue((tenant, processor, position), out var d)
                ? FSharpOption<DeadLetter>.Some(d) : FSharpOption<DeadLetter>.None);
    }

    /// <summary>Keys in ordinal order (tenant, processor, position), as every store lists them.</summary>
    private sealed class OrdinalKeys : IComparer<(string Tenant, string Processor, long Position)>
    {
        public static readonly OrdinalKeys Instance = new();

        public int Compare((string Tenant, string Processor, long Position) x, (string Tenant, string Processor, long Position) y)
        {
            var byTenant = string.CompareOrdinal(x.Tenant, y.Tenant);
            if (byTenant != 0) return byTenant;
            var byProcessor = string.CompareOrdinal(x.Processor, y.Processor);
            return byProcessor != 0 ? byProcessor : x.Position.CompareTo(y.Position);
        }
    }
}
