using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;

namespace Hybrid.Sample.Host;

/// <summary>
/// Performs one kind of the sample's effects by logging it (the sample sends no real email and charges no real card),
/// then tells the optional observer.
/// </summary>
internal sealed class LoggingEffectHandler(string kind, ILogger logger, Func<EffectContext, CancellationToken, Task>? observer) : IEffectHandler
{
    public string Kind { get; } = kind;

    public async Task Handle(EffectContext context, CancellationToken ct)
    {
        logger.LogInformation("Tenant {Tenant}: {Processor} performed {Kind}: {Payload}",
            context.Tenant, context.Processor, context.Intent.Kind, context.Intent.Payload);
        if (observer is not null) await observer(context, ct);
    }
}
