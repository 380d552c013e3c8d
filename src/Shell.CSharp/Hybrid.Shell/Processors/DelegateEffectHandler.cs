namespace Hybrid.Shell.Processors;

/// <summary>An effect handler made of a delegate, for hosts that register effects inline.</summary>
public sealed class DelegateEffectHandler(string kind, Func<EffectContext, CancellationToken, Task> handle) : IEffectHandler
{
    /// <inheritdoc />
    public string Kind { get; } = string.IsNullOrWhiteSpace(kind)
        ? throw new ArgumentException("An effect handler needs a kind.", nameof(kind)) : kind;

    /// <inheritdoc />
    public Task Handle(EffectContext context, CancellationToken ct) => handle(context, ct);
}
