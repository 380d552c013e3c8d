using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Processors;

/// <summary>Dead letters kept in memory, one per (tenant, processor, position). Thread-safe.</summary>
public sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    private readonly SortedDictionary<(string Tenant, string Processor, long Position), DeadLetter> _letters = new();
    private readonly object _gate = new();

    /// <inheritdoc />
    public Task Put(DeadLetter deadLetter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        lock (_gate) _letters[(deadLetter.Tenant, deadLetter.Processor, deadLetter.Position)] = deadLetter;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct)
    {
        lock (_gate)
            return Task.FromResult(_letters.Values
                .Where(d => (tenant is null || d.Tenant == tenant) && (processor is null || d.Processor == processor))
                .ToArray());
    }

    /// <inheritdoc />
    public Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        lock (_gate)
            return Task.FromResult(_letters.TryGetValue((tenant, processor, position), out var d)
                ? FSharpOption<DeadLetter>.Some(d) : FSharpOption<DeadLetter>.None);
    }
}
