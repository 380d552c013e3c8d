using System.Collections.Concurrent;
using System.Text;
using Hybrid.Shell.Commands;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Hybrid.Shell.Nats;

/// <summary>
/// Sends commands to handler processes through the broker and waits for their replies until a deadline. A command
/// goes to the commands work queue (it waits there while no handler runs, and is delivered again if a handler dies
/// holding it) with its command id, so a redelivered or re-sent command is applied once. Replies come back on one
/// inbox subscription of this sender.
/// </summary>
public sealed class NatsCommandSender : IAsyncDisposable
{
    private readonly NatsBroker _broker;
    private readonly TimeProvider _clock;
    private readonly string _inbox;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<BrokerReply>> _waiting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listening;

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NatsCommandSender(NatsBroker broker, TimeProvider clock)
    {
        _broker = broker;
        _clock = clock;
        // Not the connection's own inbox prefix: the client routes those subjects itself, and a wildcard under it gets nothing.
        _inbox = BrokerSubjects.replies(broker.Options.Prefix, Guid.NewGuid());
        _listening = Listen();
    }

    /// <summary>
    /// A sender that listens for its replies once the broker is ready; it does not wait for the broker (while the
    /// broker cannot be reached, commands are answered <c>unavailable</c>).
    /// </summary>
    public static Task<NatsCommandSender> StartAsync(NatsBroker broker, TimeProvider? clock = null, CancellationToken ct = default) =>
        Task.FromResult(new NatsCommandSender(broker, clock ?? TimeProvider.System));

    private async Task Listen()
    {
        INatsSub<byte[]> replies;
        while (true)
        {
            try
            {
                await _broker.WhenReady(_stop.Token);
                replies = await _broker.Connection.SubscribeCoreAsync<byte[]>($"{_inbox}.*", cancellationToken: _stop.Token);
                _subscribed.TrySetResult();
                break;
            }
            catch (OperationCanceledException) { return; }
            catch (NatsException)
            {
                // The connection dropped while subscribing: subscribe again (meanwhile commands are answered unavailable).
                try { await Task.Delay(TimeSpan.FromMilliseconds(200), _clock, _stop.Token); } catch (OperationCanceledException) { return; }
            }
        }
        try
        {
            await foreach (var reply in replies.Msgs.ReadAllAsync(_stop.Token))
            {
                var key = reply.Subject[(reply.Subject.LastIndexOf('.') + 1)..];
                if (!_waiting.TryRemove(key, out var waiter)) continue; // late: the sender stopped waiting
                var outcome = reply.Headers is { } h && h.TryGetLastValue(NatsHeaderNames.Outcome, out var o) ? o : "unknown";
                waiter.TrySetResult(new BrokerReply(outcome, reply.Data is null ? "{}" : Encoding.UTF8.GetString(reply.Data)));
            }
        }
        catch (OperationCanceledException) { }
        finally { await replies.DisposeAsync(); }
    }

    /// <summary>
    /// Sends the command and waits for its reply until <paramref name="deadline"/> (the broker options' default when
    /// null). Never throws for the broker's sake: a broker that cannot be reached answers <c>unavailable</c>, a reply
    /// that does not come in time <c>timeout</c> (the command may still run: send it again with the same command id to
    /// learn its outcome without running it twice).
    /// </summary>
    public async Task<BrokerReply> SendAsync(Caller caller, string command, string json, Guid? commandId = null, TimeSpan? deadline = null,
        CancellationToken ct = default)
    {
        var tenant = Validation.tenant(caller.Tenant);
        if (tenant.IsError) return BrokerReply.Of("invalid", OutcomeBodies.Invalid(tenant.ErrorValue));
        var name = BrokerSubjects.validateSuffix("command", command);
        if (name.IsError || command.Contains('.'))
            return BrokerReply.Of("unknown-command", OutcomeBodies.Of(CommandOutcome.NewUnknownCommand(command)));
        if (deadline is { } given && given <= TimeSpan.Zero)
            return BrokerReply.Of("invalid", OutcomeBodies.Invalid(new Validation.Error("deadline",
                $"Tenant '{caller.Tenant}': command '{command}': the deadline must be positive, not {given.TotalMilliseconds:0} ms (nothing was sent).")));
        var id = commandId ?? Guid.NewGuid();
        var wait = deadline ?? _broker.Options.CommandDeadline;
        var key = Guid.NewGuid().ToString("N");
        // Not ready, or the connection lost (it reconnects on its own): answered at once, instead of a publish buffered
        // until the deadline passes (a timeout that cannot tell whether the command runs).
        if (!await ListeningWithin(wait, ct) || _broker.Connection.ConnectionState != NatsConnectionState.Open)
            return Unavailable(caller, command, id, "the broker cannot be reached now; it was not sent");
        var waiter = new TaskCompletionSource<BrokerReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[key] = waiter;
        try
        {
            var headers = CommandMessage.Headers(caller, id, $"{_inbox}.{key}", _clock.GetUtcNow() + wait);
            using var timeout = new CancellationTokenSource(wait, _clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                var ack = await _broker.JetStream.PublishAsync(BrokerSubjects.command(_broker.Options.Prefix, caller.Tenant, command),
                    Encoding.UTF8.GetBytes(json ?? ""), opts: new NatsJSPubOpts { MsgId = key }, headers: headers, cancellationToken: linked.Token);
                ack.EnsureSuccess();
                return await waiter.Task.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return BrokerReply.Of("timeout", new Dictionary<string, object?>
                {
                    ["outcome"] = "timeout", ["commandId"] = id,
                    ["reason"] = $"Tenant '{caller.Tenant}': no handler answered command '{command}' ({id}) within {wait.TotalMilliseconds:0} ms. " +
                                 "It may still run: send it again with the same command id to learn its outcome without running it twice.",
                });
            }
            catch (Exception ex) when (ex is NatsException or NatsJSException or TimeoutException)
            {
                await _broker.RestoreStreamsAsync(ct); // no stream took it (no responders): the broker may have lost it
                return Unavailable(caller, command, id, "the broker cannot be reached");
            }
        }
        finally { _waiting.TryRemove(key, out _); }
    }

    /// <summary>True once the broker is ready and the replies' subscription in place, waiting at most the broker's patience and <paramref name="wait"/>.</summary>
    private async Task<bool> ListeningWithin(TimeSpan wait, CancellationToken ct)
    {
        if (_subscribed.Task.IsCompleted) return true;
        var started = _clock.GetTimestamp();
        if (!await _broker.ReadyWithin(wait, ct)) return false;
        var left = wait - _clock.GetElapsedTime(started);
        try
        {
            await _subscribed.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _clock, ct);
            return true;
        }
        catch (TimeoutException) { return false; }
    }

    private BrokerReply Unavailable(Caller caller, string command, Guid id, string why) =>
        BrokerReply.Of("unavailable", new Dictionary<string, object?>
        {
            ["outcome"] = "unavailable", ["commandId"] = id, ["retryAfterSeconds"] = Math.Ceiling(_broker.Options.UnavailableRetryAfter.TotalSeconds),
            ["reason"] = $"Tenant '{caller.Tenant}': command '{command}' could not be sent: {why}.",
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _listening; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
