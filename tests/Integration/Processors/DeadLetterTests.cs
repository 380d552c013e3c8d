using Hybrid.Shell.Processors;
using static Hybrid.Tests.Integration.Processors.TestProcessors;

namespace Hybrid.Tests.Integration.Processors;

public sealed class DeadLetterTests
{
    private static readonly RetryPolicy ThreeAttempts = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), 0.5);

    [Fact]
    public async Task a_poison_event_is_dead_lettered_after_the_configured_attempts_and_the_rest_is_still_processed()
    {
        await using var bed = new ProcessorBed();
        var attempts = 0;
        var invoicer = WithRetry(Around(Invoicer(), e => { if (e.Position == 2) Interlocked.Increment(ref attempts); }), ThreeAttempts);
        await bed.Place("acme", ("o1", false), ("p2", true), ("o3", false));
        await bed.Place("globex", ("g1", false));
        await bed.Node(invoicer);

        await bed.Until(async () => (await bed.Invoices("acme")).Length == 2 && (await bed.Invoices("globex")).Length == 1, "the healthy orders are invoiced");
        var letters = await bed.DeadLetters.List("acme", "invoicer", default);

        var letter = Assert.Single(letters);
        Assert.Equal((2L, "OrderPlaced", 3, DeadLetterStatus.Pending), (letter.Position, letter.EventType, letter.Attempts, letter.Status));
        Assert.Contains("p2 cannot be invoiced", letter.Error);
        Assert.Equal(3, attempts);
        Assert.Equal(["o1", "o3"], OrdersOf(await bed.Invoices("acme")));
        Assert.Empty(await bed.DeadLetters.List("globex", null!, default));
    }

    [Fact]
    public async Task replaying_a_dead_letter_after_a_fix_emits_once_and_marks_it_replayed()
    {
        await using var bed = new ProcessorBed();
        var cured = false;
        var invoicer = WithRetry(Invoicer(() => Volatile.Read(ref cured)), ThreeAttempts);
        await bed.Place("acme", ("o1", false), ("p2", true));
        var node = await bed.Node(invoicer);
        await bed.Until(async () => (await bed.DeadLetters.List("acme", "invoicer", default)).Length == 1, "p2 is dead-lettered");
        var operations = new DeadLetterOperations(bed.Runtime(bed.Options("operator")), [invoicer]);

        var failed = await Assert.ThrowsAsync<ReplayFailedException>(() => Advancing(bed, operations.Replay("acme", "invoicer", 2, default)));
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(6, (await bed.DeadLetters.List("acme", "invoicer", default))[0].Attempts);

        Volatile.Write(ref cured, true);
        var replayed = await operations.Replay("acme", "invoicer", 2, default);

        Assert.Equal(DeadLetterStatus.Replayed, replayed.Status);
        Assert.Equal(["o1", "p2"], OrdersOf(await bed.Invoices("acme")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => operations.Replay("acme", "invoicer", 2, default));
        Assert.Equal(["o1", "p2"], OrdersOf(await bed.Invoices("acme")));
        await node.StopAsync(default);
    }

    private static async Task<T> Advancing<T>(ProcessorBed bed, Task<T> work)
    {
        while (!work.IsCompleted)
        {
            bed.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        return await work;
    }
}
