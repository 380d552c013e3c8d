using Hybrid.Shell.Producers;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// The operator API for dead letters: list them, replay one (its processor's handler runs on the event again, with
/// the processor's retries; emits are idempotent because their ids derive from the source event; a producer's event is
/// mapped and published again, once, its message id still the event id), or discard one.
/// </summary>
public sealed class DeadLetterOperations
{
    private readonly ProcessorRuntime _runtime;
    private readonly Dictionary<string, EventExecutor> _executors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProducerPublishing> _producers = new(StringComparer.Ordinal);

    /// <summary>Operations over the dead letters of these processors and producers.</summary>
    public DeadLetterOperations(ProcessorRuntime runtime, IEnumerable<TodoProcessor> processors, IEnumerable<ProducerRegistration>? producers = null)
    {
        _runtime = runtime;
        foreach (var p in processors) _executors[p.Name] = new EventExecutor(runtime, p);
        foreach (var p in producers ?? []) _producers[p.Producer.Name] = p.Publishing(runtime);
    }

    /// <summary>The dead letters of a tenant and processor (null: all), by tenant, processor and position.</summary>
    public Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct) =>
        _runtime.DeadLetters.List(tenant!, processor!, ct);

    /// <summary>
    /// Replays a pending dead letter. On success it is marked <see cref="DeadLetterStatus.Replayed"/>; on failure it
    /// stays pending with the new error and attempts added, and a <see cref="ReplayFailedException"/> is thrown.
    /// </summary>
    public async Task<DeadLetter> Replay(string tenant, string processor, long position, CancellationToken ct)
    {
        var letter = await Find(tenant, processor, position, ct);
        if (letter.Status != DeadLetterStatus.Pending)
            throw new InvalidOperationException($"Tenant '{tenant}': the dead letter of processor '{processor}' at position {position} is {letter.Status}, not pending.");
        // One stored event; several parts when an upcaster split it, replayed in order.
        var events = (await _runtime.Store.Read(tenant, EventQuery.All.AfterPosition(position - 1).Take(1), ct))
            .Where(e => e.Position == position).ToArray();
        if (events.Length == 0)
            throw new InvalidOperationException($"Tenant '{tenant}': no event at position {position} to replay for processor '{processor}'.");
        try
        {
            for (var part = 0; part < events.Length; part++)
                if (_producers.TryGetValue(processor, out var producer)) await Publish(producer, tenant, events[part], ct);
                else await _executors[processor].Handle(tenant, events[part], lease: null, ct, part, part == events.Length - 1);
        }
        catch (ReplayFailedException failed)
        {
            await _runtime.DeadLetters.Put(letter.FailedAgain(
                $"{failed.InnerException!.GetType().Name}: {failed.InnerException.Message}", failed.Attempts, _runtime.Clock.GetUtcNow()), ct);
            throw;
        }
        var replayed = letter.WithStatus(DeadLetterStatus.Replayed);
        await _runtime.DeadLetters.Put(replayed, ct);
        _runtime.Logger.LogInformation("Tenant {Tenant}: replayed the dead letter of processor {Processor} at position {Position}.", tenant, processor, position);
        return replayed;
    }

    /// <summary>Marks a dead letter discarded: an operator decided not to replay it.</summary>
    public async Task<DeadLetter> Discard(string tenant, string processor, long position, CancellationToken ct)
    {
        var discarded = (await Find(tenant, processor, position, ct)).WithStatus(DeadLetterStatus.Discarded);
        await _runtime.DeadLetters.Put(discarded, ct);
        return discarded;
    }

    /// <summary>Publishes a producer's event again; throws a <see cref="ReplayFailedException"/> saying why it was not published.</summary>
    private static async Task Publish(ProducerPublishing producer, string tenant, RecordedEvent e, CancellationToken ct)
    {
        if (await producer.PublishOnce(tenant, e, ct) is { } problem)
            throw new ReplayFailedException(1, new IntegrationPublishException(problem));
    }

    private async Task<DeadLetter> Find(string tenant, string processor, long position, CancellationToken ct)
    {
        if (!_executors.ContainsKey(processor) && !_producers.ContainsKey(processor)) throw new ArgumentException($"No processor is named '{processor}'.", nameof(processor));
        var found = await _runtime.DeadLetters.TryGet(tenant, processor, position, ct);
        return found?.Value ?? throw new ArgumentException(
            $"Tenant '{tenant}': processor '{processor}' has no dead letter at position {position}.", nameof(position));
    }
}
