using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Conflict retries wait on the processor's clock, with jitter from the injected source, within the budget.</summary>
public sealed class ConflictRetryTests
{
    private readonly FakeTimeProvider _clock = new();

    private CommandProcessor Processor(IEventStore store, CommandProcessorOptions options) =>
        new(store, UuidV7IdSource.System, CommandCatalog.Of(WriteSideCatalog.registry), options, clock: _clock);

    private static Caller User(string tenant) => new(tenant, "alice", [], "corr");

    /// <summary>Advances the fake clock by a step at a time until the task completes; returns how far it moved.</summary>
    private async Task<(T Result, TimeSpan Waited)> Drive<T>(Task<T> task)
    {
        var start = _clock.GetUtcNow();
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        return (await task, _clock.GetUtcNow() - start);
    }

    [Fact]
    public async Task Each_retry_waits_a_doubling_delay_scaled_by_the_jitter_sample_on_the_processors_clock()
    {
        var tenant = Tenants.Fresh();
        var store = new InterferingStore(new InMemoryEventStore(), interferences: 3);
        var options = new CommandProcessorOptions { RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromSeconds(10), JitterSource = () => 0.5 };
        var running = Processor(store, options).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""");

        var (outcome, waited) = await Drive(running);

        Assert.Equal(4, outcome.AssertAccepted().Attempts);
        // 50 + 100 + 200 ms of virtual time: half of each doubling delay, as the jitter source said.
        Assert.InRange(waited.TotalMilliseconds, 350, 380);
    }

    [Fact]
    public async Task A_conflict_that_outlasts_the_time_budget_is_reported_before_the_attempts_run_out()
    {
        var tenant = Tenants.Fresh();
        var store = new InterferingStore(new InMemoryEventStore(), int.MaxValue);
        var options = new CommandProcessorOptions
        {
            MaxAttempts = 1_000, RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            RetryBudget = TimeSpan.FromSeconds(1), JitterSource = () => 1.0,
        };
        var running = Processor(store, options).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""");

        var (outcome, waited) = await Drive(running);

        var conflict = Assert.IsType<CommandOutcome.Conflict>(outcome);
        Assert.InRange(conflict.attempts, 10, 12);
        Assert.InRange(waited.TotalMilliseconds, 1_000, 1_100);
        Assert.DoesNotContain("L.", conflict.reason);
        Assert.Contains("was expected at version", conflict.reason);
    }
}
