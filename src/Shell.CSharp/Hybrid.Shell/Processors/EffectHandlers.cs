namespace Hybrid.Shell.Processors;

/// <summary>The effect handlers of a host, by kind. An intent of an unknown kind fails (and is retried, then dead-lettered).</summary>
public sealed class EffectHandlers
{
    private readonly Dictionary<string, IEffectHandler> _byKind = new(StringComparer.Ordinal);

    /// <summary>Handlers by their kind; two handlers of one kind are an error naming it.</summary>
    public EffectHandlers(IEnumerable<IEffectHandler> handlers)
    {
        foreach (var handler in handlers)
            if (!_byKind.TryAdd(handler.Kind, handler))
                throw new ArgumentException($"Two effect handlers are registered for the kind '{handler.Kind}'.", nameof(handlers));
    }

    /// <summary>The registered kinds.</summary>
    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>Runs the intent's handler.</summary>
    public Task Run(EffectContext context, CancellationToken ct) =>
        _byKind.TryGetValue(context.Intent.Kind, out var handler)
            ? handler.Handle(context, ct)
            : throw new InvalidOperationException(
                $"Tenant '{context.Tenant}': processor '{context.Processor}' returned an effect of kind '{context.Intent.Kind}', but no effect handler is registered for it.");
}
