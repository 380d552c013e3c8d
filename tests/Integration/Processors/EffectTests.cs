using Hybrid.Shell.Processors;
using System.Text.Json;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

public sealed class EffectTests
{
    private static async Task Invoice(ProcessorBed bed, string tenant, params string[] orders)
    {
        foreach (var order in orders)
            await bed.Store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(),
                EventData.Tagged(Ordering.Types.InvoiceIssued, JsonSerializer.Serialize(new { order }), $"order:{order}"), EventMetadata.Empty)), default);
    }

    private static int Count(ProcessorBed bed, string kind, string order) => bed.Performed.Count(p => p.Kind == kind && p.Order == order);

    /// <summary>Blocks the first effect on order o1 at the hook until the host is killed, and reports that it got there.</summary>
    private static Func<EffectContext, CancellationToken, Task> HangOnFirst(TaskCompletionSource reached) => async (context, ct) =>
    {
        if ((string)context.Intent.Payload == "o1" && reached.TrySetResult())
            await Task.Delay(Timeout.Infinite, ct);
    };

    private static async Task CrashAndRestart(ProcessorBed bed, TodoProcessorHost node, TaskCompletionSource reached, TodoProcessor processor)
    {
        await bed.Until(() => reached.Task.IsCompleted, "the effect hangs");
        await node.CrashAsync();
        bed.Clock.Advance(TimeSpan.FromSeconds(31));
        await bed.Node(processor);
    }

    [Fact]
    public async Task an_at_least_once_effect_interrupted_after_it_took_place_runs_again_after_a_restart()
    {
        await using var bed = new ProcessorBed();
        var reached = new TaskCompletionSource();
        bed.AfterEffect = HangOnFirst(reached);
        await Invoice(bed, "acme", "o1", "o2");
        var node = await bed.Node(Ordering.mailer);

        await CrashAndRestart(bed, node, reached, Ordering.mailer);
        await bed.Until(() => Count(bed, Ordering.Effects.Mail, "o2") == 1, "o2 is mailed");

        Assert.Equal(2, Count(bed, Ordering.Effects.Mail, "o1"));
        Assert.Equal(2, (await bed.Store.ReadCheckpoint("acme", "mailer", default)).Position);
    }

    [Fact]
    public async Task an_at_most_once_effect_interrupted_after_it_took_place_does_not_run_again()
    {
        await using var bed = new ProcessorBed();
        var reached = new TaskCompletionSource();
        bed.AfterEffect = HangOnFirst(reached);
        await Invoice(bed, "acme", "o1", "o2");
        var node = await bed.Node(Ordering.charger);

        await CrashAndRestart(bed, node, reached, Ordering.charger);
        await bed.Until(() => Count(bed, Ordering.Effects.Charge, "o2") == 1, "o2 is charged");

        Assert.Equal(1, Count(bed, Ordering.Effects.Charge, "o1"));
    }

    [Fact]
    public async Task an_at_most_once_effect_interrupted_before_it_took_place_is_lost_not_repeated()
    {
        await using var bed = new ProcessorBed();
        var reached = new TaskCompletionSource();
        bed.BeforeEffect = HangOnFirst(reached);
        await Invoice(bed, "acme", "o1", "o2");
        var node = await bed.Node(Ordering.charger);

        await CrashAndRestart(bed, node, reached, Ordering.charger);
        await bed.Until(() => Count(bed, Ordering.Effects.Charge, "o2") == 1, "o2 is charged");

        Assert.Equal(0, Count(bed, Ordering.Effects.Charge, "o1"));
    }

    [Fact]
    public async Task an_effect_of_an_unregistered_kind_is_dead_lettered_naming_the_kind()
    {
        await using var bed = new ProcessorBed();
        var stray = TodoProcessor.Create("stray", [QueryItem.OfTypes(Ordering.Types.InvoiceIssued)],
            (_, _) => ProcessorResult.AtLeastOnce(EffectIntent.Of("sms", "hi"))).WithRetry(RetryPolicy.NoRetry);
        await Invoice(bed, "acme", "o1");
        await bed.Node(stray);

        await bed.Until(async () => (await bed.DeadLetters.List("acme", "stray", default)).Length == 1, "the event is dead-lettered");
        var letter = (await bed.DeadLetters.List("acme", "stray", default))[0];
        Assert.Contains("'sms'", letter.Error);
        Assert.Equal(1, letter.Attempts);
    }
}
