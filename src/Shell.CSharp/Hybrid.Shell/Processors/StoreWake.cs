using System.Threading.Channels;

namespace Hybrid.Shell.Processors;

/// <summary>
/// Wakes an idle processor run when a matching event is appended (through the store's live subscription, which
/// PostgreSQL feeds with LISTEN/NOTIFY), with polling on the clock as the fallback.
/// </summary>
internal sealed class StoreWake : IAsyncDisposable
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop;
    private readonly Task _listening;
    private readonly TimeProvider _clock;

    public StoreWake(IEventStore store, string tenant, EventQuery query, long after, TimeProvider clock, CancellationToken ct)
    {
        _clock = clock;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _listening = Listen(store, tenant, query.AfterPosition(after), _stop.Token);
    }

    private async Task Listen(IEventStore store, string tenant, EventQuery query, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await foreach (var message in store.Subscribe(tenant, query, ct).WithCancellation(ct))
                if (message.IsEvent) _signals.Writer.TryWrite(true);
        }
        catch (OperationCanceledException) { }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The subscription failed (e.g. a connection dropped): polling still wakes the run.
        }
    }

    /// <summary>Waits for a notification or the poll interval, whichever comes first.</summary>
    public async Task Wait(TimeSpan pollInterval, CancellationToken ct)
    {
        if (_signals.Reader.TryRead(out _)) return;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var signal = _signals.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var poll = Task.Delay(pollInterval, _clock, waiting.Token);
        await Task.WhenAny(signal, poll);
        waiting.Cancel();
        _signals.Reader.TryRead(out _);
        ct.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _listening; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
