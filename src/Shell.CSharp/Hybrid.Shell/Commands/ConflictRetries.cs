using Polly;
using Polly.Retry;

namespace Hybrid.Shell.Commands;

/// <summary>
/// Re-runs a command's lookup and decision after a conflict (what it read changed before it could write): jittered
/// exponential backoff (the core's <see cref="RetryPolicy"/> schedule) through Polly, on the processor's clock, with
/// jitter from the injected source, until the attempts or the time budget run out. Simulations pass their virtual
/// clock and a seeded source, so retries cost virtual time and stay deterministic.
/// </summary>
internal sealed class ConflictRetries
{
    private static readonly ResiliencePropertyKey<long> Started = new("hybrid.command.started");

    private readonly CommandProcessorOptions _options;
    private readonly TimeProvider _clock;
    private readonly RetryPolicy _policy;
    private readonly ResiliencePipeline<Attempt> _pipeline;

    public ConflictRetries(CommandProcessorOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _policy = new RetryPolicy(options.MaxAttempts, options.RetryDelay, options.MaxRetryDelay, options.RetryJitter);
        var problems = RetryPolicyModule.problems(_policy);
        if (!problems.IsEmpty) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        _pipeline = options.MaxAttempts <= 1 ? ResiliencePipeline<Attempt>.Empty : new ResiliencePipelineBuilder<Attempt> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { IsConflict: true } && Remaining(args.Context) > TimeSpan.Zero),
                DelayGenerator = args =>
                {
                    var delay = RetryPolicyModule.delay(_policy, args.AttemptNumber + 1, _options.JitterSource());
                    var remaining = Remaining(args.Context);
                    return ValueTask.FromResult<TimeSpan?>(delay < remaining ? delay : remaining);
                },
            })
            .Build();
    }

    /// <summary>One run of lookup, decision and append: its outcome, or the reason of a conflict worth retrying.</summary>
    public readonly record struct Attempt(CommandOutcome? Outcome, string? ConflictReason)
    {
        public bool IsConflict => ConflictReason is not null;
    }

    /// <summary>Runs attempts (numbered from 1) until one ends without a retryable conflict or the retries run out.</summary>
    public async Task<CommandOutcome> RunAsync(Func<int, CancellationToken, Task<Attempt>> attempt, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(Started, _clock.GetTimestamp());
        var attempts = 0;
        try
        {
            var last = await _pipeline.ExecuteAsync(
                async (c, _) => await attempt(++attempts, c.CancellationToken).ConfigureAwait(false), context, 0).ConfigureAwait(false);
            return last.Outcome ?? CommandOutcome.NewConflict(attempts, last.ConflictReason!);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private TimeSpan Remaining(ResilienceContext context) =>
        _options.RetryBudget - _clock.GetElapsedTime(context.Properties.GetValue(Started, 0L));
}
