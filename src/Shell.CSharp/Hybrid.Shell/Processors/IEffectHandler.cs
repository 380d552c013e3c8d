namespace Hybrid.Shell.Processors;

/// <summary>
/// Interprets the effect intents of one kind. Throwing means the effect did not take place: the processor retries it
/// (with backoff) and dead-letters the event when the attempts run out.
/// </summary>
public interface IEffectHandler
{
    /// <summary>The <see cref="EffectIntent.Kind"/> this handler interprets.</summary>
    string Kind { get; }

    /// <summary>Performs the effect.</summary>
    Task Handle(EffectContext context, CancellationToken ct);
}
