using Hybrid.Shell.Processors;
using System.Text.Json;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// A run asked to stop (a pause, a lease handed over, a shutdown) while its event is failing and being retried does not
/// wait out the remaining attempts and their backoff under the node's rebalancing: the attempt in flight ends, the event
/// is neither dead-lettered nor passed, and it is handled again once the tenant runs again.
/// </summary>
public sealed class StoppingRetriesTests
{
    [Fact]
    public async Task pausing_a_tenant_whose_event_is_being_retried_gives_its_lease_up_at_once_without_dead_lettering_the_event()
    {
        await using var bed = new ProcessorBed();
        var cured = false;
        var attempts = 0;
        bed.BeforeEffect = (context, _) =>
        {
            if ((string)context.Intent.Payload != "o1" || Volatile.Read(ref cured)) return Task.CompletedTask;
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("the mail server refuses o1");
        };
        await bed.Append("acme", EventData.Tagged(Ordering.Types.InvoiceIssued, JsonSerializer.Serialize(new { order = "o1" }), "order:o1"));
        // Ten attempts, a minute apart: waiting them out would hold the node's rebalancing for ten virtual minutes.
        var mailer = Ordering.mailer.WithRetry(new RetryPolicy(10, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 0.0));
        var node = await bed.Node(mailer);
        await bed.Until(() => Volatile.Read(ref attempts) >= 2, "o1 is being retried");

        await bed.Leases.Pause("mailer", "acme", default);
        var paused = bed.Clock.GetUtcNow();
        await bed.Until(() => node.HeldResources.Count == 0, "the paused tenant's lease is given up", TimeSpan.FromSeconds(1));

        Assert.True(bed.Clock.GetUtcNow() - paused < TimeSpan.FromSeconds(30), $"The lease was given up only {bed.Clock.GetUtcNow() - paused} after the pause.");
        Assert.InRange(Volatile.Read(ref attempts), 2, 3);
        Assert.Empty(await bed.DeadLetters.List("acme", "mailer", default));
        Assert.Equal(0, (await bed.Store.ReadCheckpoint("acme", "mailer", default)).Position);

        Volatile.Write(ref cured, true);
        await bed.Leases.Resume("mailer", "acme", default);
        await bed.Until(() => bed.Performed.Count(p => p.Order == "o1") == 1, "o1 is mailed after the resume");
        Assert.Empty(await bed.DeadLetters.List("acme", "mailer", default));
    }
}
