using System.Text;
using System.Text.Json;
using Hybrid.Shell.Commands;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Shell.Nats;

/// <summary>
/// Runs the commands of the broker's work queue with the command processor, in a handler process; several handler
/// processes share the queue. Each command runs with the id it was sent with, so a command delivered again (its
/// handler died before acknowledging it) answers with the events it already wrote. A message that is not a command
/// (a subject without tenant or command, no command id) is answered with an <c>invalid</c> reply and sent to the
/// dead-letter subject with the reason; input the store refuses and a store that cannot be reached are answered
/// <c>invalid</c> and <c>unavailable</c> (<see cref="CommandFailures"/>); a command whose handling keeps throwing otherwise
/// is delivered again with backoff and,
/// after <see cref="NatsBrokerOptions.CommandMaxDeliver"/> deliveries, dead-lettered the same way. A command whose
/// sender's deadline passed is not started. Nothing is retried forever.
/// </summary>
public sealed class NatsCommandHandler(NatsBroker broker, CommandProcessor commands, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private const string ConsumerName = "hybrid-command-handlers";
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Commands handled (any outcome) since the start.</summary>
    public long Handled => Interlocked.Read(ref _handled);
    private long _handled;

    /// <summary>
    /// Starts consuming in the background: once the broker is ready (it may be down at start: commands wait in its queue
    /// meanwhile), the shared durable consumer is created or updated and commands are taken from it.
    /// </summary>
    public Task StartAsync(CancellationToken ct)
    {
        _loop = Consume(_stop.Token);
        return Task.CompletedTask;
    }

    private Task<INatsJSConsumer> Consumer(CancellationToken stop) =>
        broker.JetStream.CreateOrUpdateConsumerAsync(broker.Options.CommandsStream, new ConsumerConfig(ConsumerName)
        {
            DurableName = ConsumerName,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = broker.Options.CommandAckWait,
            MaxDeliver = broker.Options.CommandMaxDeliver + 1,
            MaxAckPending = broker.Options.HandlerConcurrency * 4,
        }, stop).AsTask();

    private async Task Consume(CancellationToken stop)
    {
        using var slots = new SemaphoreSlim(broker.Options.HandlerConcurrency);
        var running = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await broker.WhenReady(stop);
                var consumer = await Consumer(stop);
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = broker.Options.HandlerConcurrency * 2, Expires = broker.Options.PullExpiry }, cancellationToken: stop))
                {
                    await slots.WaitAsync(stop);
                    running.RemoveAll(t => t.IsCompleted);
                    running.Add(Task.Run(async () =>
                    {
                        try { await Handle(msg, stop); }
                        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                        catch (Exception ex) { logger.LogWarning(ex, "A command on {Subject} was left unacknowledged; it is delivered again.", msg.Subject); }
                        finally { slots.Release(); }
                    }, CancellationToken.None));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Consuming commands failed; consuming again.");
                await broker.RestoreStreamsAsync(stop);
                try { await Task.Delay(TimeSpan.FromMilliseconds(500), clock, stop); } catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(running);
    }

    private async Task Handle(INatsJSMsg<byte[]> msg, CancellationToken stop)
    {
        var (command, error) = CommandMessage.Parse(broker.Options.Prefix, msg.Subject, msg.Headers);
        var replyTo = msg.Headers is { } h && h.TryGetLastValue(NatsHeaderNames.ReplyTo, out var r) ? r : null;
        if (command is null)
        {
            await Reply(replyTo, "invalid", OutcomeBodies.Invalid(error!));
            await DeadLetter(msg, $"{error!.Field}: {error.Message}");
            await msg.AckTerminateAsync(cancellationToken: stop);
            return;
        }
        if (command.Deadline is { } deadline && clock.GetUtcNow() > deadline)
        {
            logger.LogInformation("Tenant {Tenant}: command {Command} ({CommandId}) arrived after its sender's deadline; not started.",
                command.Caller.Tenant, command.Command, command.CommandId);
            await msg.AckAsync(cancellationToken: stop);
            return;
        }
        CommandOutcome outcome;
        try
        {
            var json = msg.Data is null ? "" : Encoding.UTF8.GetString(msg.Data);
            outcome = await commands.ExecuteJsonAsync(command.Caller, command.Command, json, new CommandOptions { CommandId = command.CommandId }, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
        catch (Exception ex) when (CommandFailures.OutcomeOf(ex, command.Caller.Tenant, broker.Options.UnavailableRetryAfter) is { } answered)
        {
            // The caller's mistake or a store that is down: answered like HTTP answers it (400, 503), never retried into a dead letter.
            logger.LogWarning("Tenant {Tenant}: command {Command} ({CommandId}) answered {Outcome}: {Error}",
                command.Caller.Tenant, command.Command, command.CommandId, CommandProcessor.OutcomeName(answered), ex.Message);
            outcome = answered;
        }
        catch (Exception ex)
        {
            var delivered = (int)(msg.Metadata?.NumDelivered ?? 1);
            if (delivered < broker.Options.CommandMaxDeliver)
            {
                logger.LogWarning(ex, "Tenant {Tenant}: command {Command} ({CommandId}) failed on delivery {Delivery}; it is delivered again.",
                    command.Caller.Tenant, command.Command, command.CommandId, delivered);
                await msg.NakAsync(delay: TimeSpan.FromMilliseconds(200 * Math.Pow(2, delivered - 1)), cancellationToken: stop);
                return;
            }
            var reason = $"{ex.GetType().Name}: {ex.Message}";
            logger.LogError(ex, "Tenant {Tenant}: command {Command} ({CommandId}) failed {Deliveries} times; dead-lettered.",
                command.Caller.Tenant, command.Command, command.CommandId, delivered);
            await Reply(command.ReplyTo, "failed", new Dictionary<string, object?>
            {
                ["outcome"] = "failed", ["commandId"] = command.CommandId,
                ["reason"] = $"Tenant '{command.Caller.Tenant}': command '{command.Command}' failed {delivered} times and was dead-lettered: {reason}",
            });
            await DeadLetter(msg, reason);
            await msg.AckTerminateAsync(cancellationToken: stop);
            return;
        }
        await Reply(command.ReplyTo, CommandProcessor.OutcomeName(outcome), OutcomeBodies.Of(outcome));
        await msg.AckAsync(cancellationToken: stop);
        Interlocked.Increment(ref _handled);
    }

    private async Task Reply(string? replyTo, string outcome, Dictionary<string, object?> body)
    {
        if (string.IsNullOrEmpty(replyTo)) return;
        try
        {
            await broker.Connection.PublishAsync(replyTo, JsonSerializer.SerializeToUtf8Bytes(body, JsonPayload.options),
                headers: new NatsHeaders { [NatsHeaderNames.Outcome] = outcome });
        }
        catch (Exception ex) when (ex is NatsException)
        {
            logger.LogWarning(ex, "A reply to {ReplyTo} could not be sent; its sender times out.", replyTo);
        }
    }

    private async Task DeadLetter(INatsJSMsg<byte[]> msg, string reason)
    {
        var headers = new NatsHeaders { [NatsHeaderNames.DeadReason] = reason, [NatsHeaderNames.DeadSubject] = msg.Subject };
        if (msg.Headers is { } original)
            foreach (var (key, value) in original)
                if (!headers.ContainsKey(key) && key != NatsHeaderNames.MessageId) headers[key] = value;
        var ack = await broker.JetStream.PublishAsync(BrokerSubjects.dead(broker.Options.Prefix, "commands"), msg.Data ?? [], headers: headers);
        ack.EnsureSuccess();
        logger.LogWarning("A message on {Subject} went to the dead-letter subject: {Reason}", msg.Subject, reason);
    }

    /// <summary>Stops taking commands and waits for those running.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
