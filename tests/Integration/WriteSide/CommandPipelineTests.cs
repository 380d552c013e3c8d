using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Tests.Integration.Conformance;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Triggers after commit and command middleware.</summary>
public sealed class CommandPipelineTests
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Trigger_receives_the_persisted_events_after_the_commit()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        CommittedCommand? seen = null;
        long headSeen = -1;
        var trigger = new CommitTrigger("audit", async (c, ct) =>
        {
            seen = c;
            headSeen = await store.GetHead(c.Caller.Tenant, ct);
        });
        var accepted = (await Processor(store, triggers: [trigger]).ExecuteJsonAsync(User(tenant), "Increment",
            """{"counterId":"c","by":2}""", null, _ct)).AssertAccepted();

        Assert.NotNull(seen);
        Assert.Equal("Increment", seen.Command);
        Assert.Equal(accepted.Events.Select(e => e.Id), seen.Events.Select(e => e.Id));
        Assert.Equal(1L, headSeen);
        Assert.Empty(accepted.TriggerFailures);
    }

    [Fact]
    public async Task Failing_trigger_never_undoes_the_commit_and_is_reported()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var ran = new List<string>();
        ICommitTrigger[] triggers =
        [
            new CommitTrigger("mailer", (_, _) => throw new InvalidOperationException("smtp down")),
            new CommitTrigger("audit", (_, _) => { ran.Add("audit"); return Task.CompletedTask; }),
        ];
        var accepted = (await Processor(store, triggers: triggers).ExecuteJsonAsync(User(tenant), "Increment",
            """{"counterId":"c","by":2}""", null, _ct)).AssertAccepted();

        var failure = Assert.Single(accepted.TriggerFailures);
        Assert.Equal(("mailer", "smtp down"), (failure.Trigger, failure.Error));
        Assert.Equal(["audit"], ran);
        Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter-c"), _ct));
    }

    [Fact]
    public async Task Trigger_does_not_run_for_rejected_or_empty_decisions()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var runs = 0;
        var processor = Processor(store, triggers: [new CommitTrigger("count", (_, _) => { runs++; return Task.CompletedTask; })]);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":500}""", null, _ct)).AssertRejected();
        (await processor.ExecuteJsonAsync(User(tenant), "Noop", """{"text":"x"}""", null, _ct)).AssertAccepted();
        Assert.Equal(0, runs);
    }

    private sealed class Recording(List<string> log, string name) : ICommandMiddleware
    {
        public async Task<CommandOutcome> InvokeAsync(CommandContext context, Func<Task<CommandOutcome>> next, CancellationToken ct)
        {
            log.Add($"{name}>{context.Definition.Name}");
            var outcome = await next();
            log.Add($"{name}<{CommandProcessor.OutcomeName(outcome)}");
            return outcome;
        }
    }

    private sealed class Closed : ICommandMiddleware
    {
        public Task<CommandOutcome> InvokeAsync(CommandContext context, Func<Task<CommandOutcome>> next, CancellationToken ct) =>
            Task.FromResult(CommandOutcome.NewRejected(RejectionModule.create("closed", "The shop is closed.")));
    }

    [Fact]
    public async Task Command_middleware_runs_in_order_around_the_decision()
    {
        var store = new InMemoryEventStore();
        var log = new List<string>();
        (await Processor(store, middleware: [new Recording(log, "outer"), new Recording(log, "inner")])
            .ExecuteJsonAsync(User(Tenants.Fresh()), "Increment", """{"counterId":"c","by":1}""", null, _ct)).AssertAccepted();
        Assert.Equal(["outer>Increment", "inner>Increment", "inner<accepted", "outer<accepted"], log);
    }

    [Fact]
    public async Task Command_middleware_can_stop_a_command_before_anything_is_written()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var outcome = await Processor(store, middleware: [new Closed()])
            .ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct);
        Assert.Equal("closed", outcome.AssertRejected().Code);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Middleware_does_not_run_for_unauthorized_commands()
    {
        var log = new List<string>();
        var outcome = await Processor(new InMemoryEventStore(), middleware: [new Recording(log, "m")])
            .ExecuteJsonAsync(Anonymous(Tenants.Fresh()), "Increment", """{"counterId":"c","by":1}""", null, _ct);
        Assert.True(outcome.IsUnauthorized);
        Assert.Empty(log);
    }
}

/// <summary>The metrics middleware.</summary>
public sealed class CommandMetricsTests
{
    [Fact]
    public async Task Metrics_middleware_counts_commands_by_name_and_outcome()
    {
        using var metrics = new CommandMetricsMiddleware();
        var counted = new List<(string Command, string Outcome, long Value)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CommandMetricsMiddleware.MeterName && instrument.Name == "hybrid.commands") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
            lock (counted) counted.Add((t["hybrid.command"], t["hybrid.outcome"], value));
        });
        listener.Start();
        var tenant = Tenants.Fresh();
        var processor = Processor(new InMemoryEventStore(), middleware: [metrics]);
        await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"m","by":1}""", null, CancellationToken.None);
        await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"m","by":1000}""", null, CancellationToken.None);
        lock (counted)
        {
            Assert.Contains(("Increment", "accepted", 1L), counted);
            Assert.Contains(("Increment", "rejected", 1L), counted);
        }
    }
}
