using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Shell.Nats;

/// <summary>
/// One connection to the broker and its JetStream context, with Hybrid's three streams in place: events (limits
/// retention, de-duplicated by message id), commands (a work queue) and dead letters. The connection reconnects on its
/// own; <see cref="ConnectAsync"/> waits for the server when it is not up yet.
/// </summary>
public sealed class NatsBroker : IAsyncDisposable
{
    private NatsBroker(NatsConnection connection, NatsBrokerOptions options)
    {
        Connection = connection;
        Options = options;
        JetStream = new NatsJSContext(connection);
    }

    /// <summary>The connection.</summary>
    public NatsConnection Connection { get; }

    /// <summary>The JetStream context.</summary>
    public INatsJSContext JetStream { get; }

    /// <summary>The options it was made with.</summary>
    public NatsBrokerOptions Options { get; }

    /// <summary>Connects (retrying until the server answers or <paramref name="ct"/> fires) and creates or updates the streams.</summary>
    public static async Task<NatsBroker> ConnectAsync(NatsBrokerOptions options, CancellationToken ct = default)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = options.Url,
            Name = $"hybrid-{Environment.ProcessId}",
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
        });
        var broker = new NatsBroker(connection, options);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(ct);
            await broker.EnsureStreamsAsync(ct);
            return broker;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureStreamsAsync(CancellationToken ct)
    {
        await JetStream.CreateOrUpdateStreamAsync(new StreamConfig(Options.EventsStream, [BrokerSubjects.allEvents(Options.Prefix)])
        {
            DuplicateWindow = Options.DuplicateWindow,
            Storage = StreamConfigStorage.File,
        }, ct);
        await JetStream.CreateOrUpdateStreamAsync(new StreamConfig(Options.CommandsStream, [BrokerSubjects.allCommands(Options.Prefix)])
        {
            DuplicateWindow = Options.DuplicateWindow,
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
        }, ct);
        await JetStream.CreateOrUpdateStreamAsync(new StreamConfig(Options.DeadStream, [BrokerSubjects.allDead(Options.Prefix)])
        {
            Storage = StreamConfigStorage.File,
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
