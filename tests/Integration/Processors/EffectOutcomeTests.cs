using System.Text.Json;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>Effects whose outcome is recorded: success events once the effect took place, compensating events when it never did.</summary>
public sealed class EffectOutcomeTests
{
    private static string Order(RecordedEvent e) => JsonDocument.Parse(e.Body).RootElement.GetProperty("order").GetString()!;

    private static EventData Outcome(string type, RecordedEvent source) =>
        EventData.Tagged(type, JsonSerializer.Serialize(new { order = Order(source) }), $"order:{Order(source)}");

    /// <summary>Charges each order, recording ChargeSucceeded or, after its last attempt, ChargeAbandoned.</summary>
    private static TodoProcessor Charger(CheckpointTiming timing, bool compensate = true) => TodoProcessor
        .Create("recorded-charger", [QueryItem.OfTypes(Ordering.Types.OrderPlaced)], (_, e) => ProcessorResult.Then(
            EffectIntent.Of(Ordering.Effects.Charge, Order(e)), timing,
            [Outcome("ChargeSucceeded", e)], compensate ? [Outcome("ChargeAbandoned", e)] : []))
        .WithRetry(new RetryPolicy(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 0.0));

    private static async Task<string[]> Types(ProcessorBed bed) =>
        (await bed.Store.Read("acme", EventQuery.OfTypes("ChargeSucceeded", "ChargeAbandoned"), default)).Select(e => $"{e.Type} {Order(e)}").ToArray();

    [Theory]
    [InlineData(CheckpointTiming.After)]
    [InlineData(CheckpointTiming.Before)]
    public async Task a_successful_effect_appends_its_success_events_once_caused_by_the_source(CheckpointTiming timing)
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false), ("o2", false));
        await bed.Node(Charger(timing));

        await bed.Until(async () => (await Types(bed)).Length == 2, "both charges are recorded");
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "recorded-charger", default)).Position == 2, "the checkpoint passes both");

        Assert.Equal(["ChargeSucceeded o1", "ChargeSucceeded o2"], await Types(bed));
        Assert.Equal(2, bed.Performed.Count);
        var orders = await bed.Store.Read("acme", EventQuery.OfTypes(Ordering.Types.OrderPlaced), default);
        var recorded = await bed.Store.Read("acme", EventQuery.OfTypes("ChargeSucceeded"), default);
        Assert.Equal(orders.Select(o => o.Id.ToString()), recorded.Select(r => r.Metadata.CausationId));
        Assert.All(recorded, r => Assert.Equal("processor:recorded-charger", r.Metadata.Actor));
    }

    [Theory]
    [InlineData(CheckpointTiming.After)]
    [InlineData(CheckpointTiming.Before)]
    public async Task an_effect_failing_its_last_attempt_appends_its_compensating_events_instead_of_a_dead_letter(CheckpointTiming timing)
    {
        await using var bed = new ProcessorBed();
        var attempts = 0;
        bed.BeforeEffect = (context, _) => (string)context.Intent.Payload == "o1"
            ? Task.FromException(new HttpRequestException($"card declined (attempt {Interlocked.Increment(ref attempts)})"))
            : Task.CompletedTask;
        await bed.Place("acme", ("o1", false), ("o2", false));
        await bed.Node(Charger(timing));

        await bed.Until(async () => (await Types(bed)).Length == 2, "both outcomes are recorded");
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "recorded-charger", default)).Position == 2, "the checkpoint passes both");

        Assert.Equal(["ChargeAbandoned o1", "ChargeSucceeded o2"], await Types(bed));
        Assert.Equal(3, attempts);
        Assert.Empty(await bed.DeadLetters.List("acme", "recorded-charger", default));
    }

    [Fact]
    public async Task an_effect_without_compensating_events_is_dead_lettered_when_it_fails_its_last_attempt()
    {
        await using var bed = new ProcessorBed();
        bed.BeforeEffect = (_, _) => Task.FromException(new HttpRequestException("card declined"));
        await bed.Place("acme", ("o1", false));
        await bed.Node(Charger(CheckpointTiming.After, compensate: false));

        await bed.Until(async () => (await bed.DeadLetters.List("acme", "recorded-charger", default)).Length == 1, "the order is dead-lettered");

        Assert.Empty(await Types(bed));
        Assert.Contains("card declined", (await bed.DeadLetters.List("acme", "recorded-charger", default))[0].Error);
    }

    [Fact]
    public async Task a_rebuild_runs_the_effect_again_but_never_records_its_success_twice()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false));
        var node = await bed.Node(Charger(CheckpointTiming.After));
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "recorded-charger", default)).Position == 1, "the charge is recorded");

        Assert.True(await node.Rebuild("recorded-charger", "acme", default));
        await bed.Until(() => bed.Performed.Count == 2, "the effect runs again");
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "recorded-charger", default)).Position == 1, "the rebuild is checkpointed");

        Assert.Equal(["ChargeSucceeded o1"], await Types(bed));
    }
}
