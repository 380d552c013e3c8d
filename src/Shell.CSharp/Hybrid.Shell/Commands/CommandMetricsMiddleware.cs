using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hybrid.Shell.Commands;

/// <summary>
/// Handler middleware counting commands by name and outcome (<c>hybrid.commands</c>) and timing them
/// (<c>hybrid.command.duration</c>, seconds, as OpenTelemetry's conventions time durations) on the
/// <c>Hybrid.Commands</c> meter, tagged <c>hybrid.command</c> and <c>hybrid.outcome</c> as the command's span is. The
/// command processor also records here the commands it refuses before any middleware runs (an invalid caller, a
/// denied one: <c>unauthorized</c>), so refusals are counted as well.
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
        _commands = _meter.CreateCounter<long>("hybrid.commands", "{command}", "Commands run or refused, by name and outcome.");
        _duration = _meter.CreateHistogram<double>("hybrid.command.duration", "s", "Time from the command's arrival to its outcome.");
    }

    /// <inheritdoc />
    public async Task<CommandOutcome> InvokeAsync(CommandContext context, Func<Task<CommandOutcome>> next, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await next().ConfigureAwait(false);
        Record(context.Definition.Name, outcome, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    /// <summary>Counts and times one command's outcome.</summary>
    internal void Record(string command, CommandOutcome outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "hybrid.command", command }, { "hybrid.outcome", CommandProcessor.OutcomeName(outcome) } };
        _commands.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
