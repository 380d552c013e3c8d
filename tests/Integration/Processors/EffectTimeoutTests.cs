using Hybrid.Shell.Processors;
using System.Text.Json;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// An effect that hangs (and ignores its cancellation token) is abandoned after <see cref="ProcessorOptions.EffectTimeout"/>
/// on the runtime's clock: the attempt fails, is retried, and the event is dead-lettered naming the timeout, while the
/// tenant moves on and other tenants never wait for it.
/// </summary>
public sealed class EffectTimeoutTests
{
    private static async Task Invoice(ProcessorBed bed, string tenant, params string[] orders)
    {
        foreach (var order in orders)
            await bed.Append(tenant, EventData.Tagged(Ordering.Types.InvoiceIssued, JsonSerializer.Serialize(new { order }), $"order:{order}"));
    }

    private static int Mailed(ProcessorBed bed, string tenant, string order) =>
        bed.Performed.Count(p => p.Kind == Ordering.Effects.Mail && p.Tenant == tenant && p.Order == order);

    [Fact]
    public async Task an_effect_that_hangs_ignoring_cancellation_times_out_is_dead_lettered_and_its_tenant_moves_on()
    {
        await using var bed = new ProcessorBed();
        var hung = 0;
        bed.BeforeEffect = (context, _) =>
        {
            if ((string)context.Intent.Payload != "o1") return Task.CompletedTask;
            Interlocked.Increment(ref hung);
            return new TaskCompletionSource().Task; // never completes, whatever its token says
        };
        await Invoice(bed, "acme", "o1", "o2");
        await Invoice(bed, "globex", "g1");
        var mailer = Ordering.mailer.WithRetry(new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 0.0));
        await bed.Node(mailer);

        await bed.Until(() => Mailed(bed, "globex", "g1") == 1, "globex is mailed while acme's effect hangs");
        await bed.Until(() => Mailed(bed, "acme", "o2") == 1, "acme moves on past the hanging effect");

        var letter = Assert.Single(await bed.DeadLetters.List("acme", "mailer", default));
        Assert.Equal((1L, 3, DeadLetterStatus.Pending), (letter.Position, letter.Attempts, letter.Status));
        Assert.StartsWith("TimeoutException:", letter.Error);
        Assert.Contains("'mail'", letter.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("position 1", letter.Error);
        Assert.Equal(3, hung);
        Assert.Equal(0, Mailed(bed, "acme", "o1"));
    }

    [Fact]
    public async Task an_effect_that_finishes_within_its_timeout_is_not_abandoned()
    {
        await using var bed = new ProcessorBed();
        var finished = 0;
        bed.BeforeEffect = async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(40), bed.Clock, ct); // virtual seconds, under the one-minute default
            Interlocked.Increment(ref finished);
        };
        await Invoice(bed, "acme", "o1");
        await bed.Node(Ordering.mailer);

        await bed.Until(() => Mailed(bed, "acme", "o1") == 1, "o1 is mailed");

        Assert.Equal(1, finished);
        Assert.Empty(await bed.DeadLetters.List("acme", "mailer", default));
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("socket")]
    public async Task an_effect_failing_with_its_own_timeout_or_socket_error_is_dead_lettered_not_taken_for_a_store_outage(string failure)
    {
        await using var bed = new ProcessorBed();
        var attempts = 0;
        bed.BeforeEffect = (context, _) =>
        {
            if ((string)context.Intent.Payload != "o1") return Task.CompletedTask;
            Interlocked.Increment(ref attempts);
            // What HttpClient throws when its own timeout elapses, or a mail server refusing connections.
            throw failure == "timeout"
                ? new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException("timed out"))
                : new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused);
        };
        await Invoice(bed, "acme", "o1", "o2");
        await bed.Node(Ordering.mailer.WithRetry(new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 0.0)));

        await bed.Until(() => Mailed(bed, "acme", "o2") == 1, "acme moves on past the failing effect");

        var letter = Assert.Single(await bed.DeadLetters.List("acme", "mailer", default));
        Assert.Equal((1L, 3), (letter.Position, letter.Attempts));
        Assert.Equal(3, attempts);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(2 * 24 * 3600.0)]
    public void an_effect_timeout_that_is_not_positive_or_too_long_is_refused_naming_the_option(double seconds)
    {
        var options = new ProcessorOptions { EffectTimeout = TimeSpan.FromSeconds(seconds) };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(ProcessorOptions.EffectTimeout), error.ParamName);
        new ProcessorOptions { EffectTimeout = Timeout.InfiniteTimeSpan }.Validate();
    }
}
