using System.Threading.Channels;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Consumes a subscription in the background into a queue, so a test can wait for the next messages with a timeout.
/// Disposing cancels the subscription and waits for it to end.
/// </summary>
public sealed class SubscriptionRecorder : IAsyncDisposable
{
    private readonly Channel<SubscriptionMessage> _messages = Channel.CreateUnbounded<SubscriptionMessage>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private SubscriptionRecorder(Func<CancellationToken, IAsyncEnumerable<SubscriptionMessage>> subscribe) =>
        _pump = Task.Run(() => Pump(subscribe));

    /// <summary>Starts consuming the tenant's subscription through the query.</summary>
    public static SubscriptionRecorder Start(IEventStore store, string tenant, EventQuery query) =>
        new(ct => store.Subscribe(tenant, query, ct));

    /// <summary>Starts consuming the tenant's subscription through a filter (stream prefix, predicate).</summary>
    public static SubscriptionRecorder Start(IEventStore store, string tenant, SubscriptionFilter filter) =>
        new(ct => Shell.Stores.EventStoreReads.Subscribe(store, tenant, filter, ct));

    private async Task Pump(Func<CancellationToken, IAsyncEnumerable<SubscriptionMessage>> subscribe)
    {
        try
        {
            await foreach (var message in subscribe(_stop.Token).WithCancellation(_stop.Token))
                await _messages.Writer.WriteAsync(message, _stop.Token);
            _messages.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _messages.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _messages.Writer.TryComplete(e);
        }
    }

    /// <summary>The next message; fails the test when none comes within the timeout.</summary>
    public async Task<SubscriptionMessage> Next(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _messages.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No subscription message arrived within {timeout}.");
        }
    }

    /// <summary>The events before the caught-up marker, and the marker's position.</summary>
    public async Task<(List<RecordedEvent> Events, long CaughtUpAt)> UntilCaughtUp(TimeSpan timeout)
    {
        var events = new List<RecordedEvent>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var message = await Next(Remaining(deadline));
            if (message is SubscriptionMessage.CaughtUp caughtUp) return (events, caughtUp.Item);
            events.Add(((SubscriptionMessage.Event)message).Item);
        }
    }

    /// <summary>The next <paramref name="count"/> events, skipping caught-up markers.</summary>
    public async Task<List<RecordedEvent>> Events(int count, TimeSpan timeout)
    {
        var events = new List<RecordedEvent>(count);
        var deadline = DateTime.UtcNow + timeout;
        while (events.Count < count)
        {
            if (await Next(Remaining(deadline)) is SubscriptionMessage.Event e) events.Add(e.Item);
        }
        return events;
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
