using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hybrid.Shell.Commands;

/// <summary>
/// Handler middleware counting commands by name and outcome (<c>hybrid.commands</c>) and timing them
/// (<c>hybrid.command.duration</c>, milliseconds) on the <c>Hybrid.Commands</c> meter.
/// </summary>
public sealed class CommandMetricsMiddleware : ICommandMiddleware, IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = Telemetry.HybridTelemetry.Commands;

    private readonly Meter _meter;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _duration;

    /// <summary>Middleware with its own meter.</summary>
    public CommandMetricsMiddleware()
    {
        _meter = new Meter(MeterName);
        _commands = _meter.CreateCounter<long>("hybrid.commands", description: "Commands run, by name and outcome.");
        _duration = _meter.CreateHistogram<double>("hybrid.command.duration", "ms", "Time from lookup to outcome.");
    }

    /// <inheritdoc />
    public async Task<CommandOutcome> InvokeAsync(CommandContext context, Func<Task<CommandOutcome>> next, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await next().ConfigureAwait(false);
        var tags = new TagList { { "command", context.Definition.Name }, { "outcome", CommandProcessor.OutcomeName(outcome) } };
        _commands.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        return outcome;
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
