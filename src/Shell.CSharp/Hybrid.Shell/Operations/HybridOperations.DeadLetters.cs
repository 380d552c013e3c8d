using Hybrid.Shell.Processors;

namespace Hybrid.Shell.Operations;

/// <summary>Dead letters: list (pending only unless asked), show, retry, discard.</summary>
public sealed partial class HybridOperations
{
    /// <summary>
    /// The dead letters of a tenant and processor (null: all), by tenant, processor and position; only pending ones
    /// unless <paramref name="includeSettled"/> (a replayed or discarded one is no longer pending).
    /// </summary>
    public async Task<DeadLetter[]> DeadLetters(string? tenant, string? processor, bool includeSettled, CancellationToken ct)
    {
        if (tenant is not null) await KnownTenant(tenant, ct);
        if (processor is not null) KnownProcessor(processor);
        var all = await deadLetters.List(tenant!, processor!, ct);
        return includeSettled ? all : all.Where(d => d.Status == DeadLetterStatus.Pending).ToArray();
    }

    /// <summary>One dead letter, whatever its status.</summary>
    public async Task<DeadLetter> DeadLetter(string tenant, string processor, long position, CancellationToken ct)
    {
        await KnownTenant(tenant, ct);
        KnownProcessor(processor);
        if (position < 1) throw Invalid($"Tenant '{tenant}': a dead letter's position is 1 or more, not {position}.");
        var found = await deadLetters.TryGet(tenant, processor, position, ct);
        return found?.Value ?? throw new OperationRefusedException(OperationRefusal.UnknownDeadLetter,
            $"Tenant '{tenant}': processor '{processor}' has no dead letter at position {position}.");
    }

    /// <summary>
    /// Runs the processor's handler on a pending dead letter's event again. On success it is replayed (and no longer
    /// listed as pending); when it fails again it stays pending with the new error and a <see cref="ReplayFailedException"/>
    /// is thrown. A dead letter that is not pending is refused.
    /// </summary>
    public async Task<DeadLetter> Retry(string tenant, string processor, long position, CancellationToken ct)
    {
        await Pending(tenant, processor, position, "retried", ct);
        return await deadLetterOperations.Replay(tenant, processor, position, ct);
    }

    /// <summary>Marks a pending dead letter discarded: an operator decided not to replay it.</summary>
    public async Task<DeadLetter> Discard(string tenant, string processor, long position, CancellationToken ct)
    {
        await Pending(tenant, processor, position, "discarded", ct);
        return await deadLetterOperations.Discard(tenant, processor, position, ct);
    }

    private async Task Pending(string tenant, string processor, long position, string verb, CancellationToken ct)
    {
        var letter = await DeadLetter(tenant, processor, position, ct);
        if (letter.Status != DeadLetterStatus.Pending)
            throw new OperationRefusedException(OperationRefusal.NotPending,
                $"Tenant '{tenant}': the dead letter of processor '{processor}' at position {position} was already {letter.Status.ToString().ToLowerInvariant()}; it cannot be {verb}.");
    }
}
