using Hybrid.Shell.Producers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Shell.Nats;

/// <summary>
/// One connection to the broker and its JetStream context, with Hybrid's three streams in place: events (limits
/// retention, de-duplicated by message id), commands (a work queue) and dead letters. <see cref="Start"/> returns at
/// once and connects and sets up the streams in the background, retrying while the server is down or refuses the
/// streams (<see cref="Problem"/> says why it is not ready), so a process whose broker is down at start still starts:
/// its publishes and commands are unavailable until the broker is ready. The connection reconnects on its own.
/// </summary>
public sealed class NatsBroker : IAsyncDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly Task _settingUp;
    private volatile string? _problem;
    private readonly object _restoreGate = new();
    private Task? _restoring;

    private NatsBroker(NatsConnection connection, NatsBrokerOptions options, ILogger logger)
    {
        Connection = connection;
        Options = options;
        JetStream = new NatsJSContext(connection);
        _logger = logger;
        _problem = "not connected to the server yet";
        _settingUp = Task.Run(SetUp);
    }

    /// <summary>The connection.</summary>
    public NatsConnection Connection { get; }

    /// <summary>The JetStream context.</summary>
    public INatsJSContext JetStream { get; }

    /// <summary>The options it was made with.</summary>
    public NatsBrokerOptions Options { get; }

    /// <summary>True once connected with the streams in place (the connection may drop later and reconnects on its own).</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Why the broker is not ready yet (no connection to the server, or the error setting up the streams); null once it is.</summary>
    public string? Problem => _problem;

    /// <summary>
    /// A broker that connects and sets up the streams in the background (see <see cref="IsReady"/>, <see cref="Problem"/>).
    /// Options that can never work (a prefix that is not subject tokens, a URL that is not a NATS URL) are refused here
    /// with an <see cref="InvalidInputException"/> naming the option.
    /// </summary>
    public static NatsBroker Start(NatsBrokerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new(new NatsConnection(new NatsOpts
        {
            Url = options.Url,
            Name = $"hybrid-{Environment.ProcessId}",
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
        }), options, logger ?? NullLogger.Instance);
    }

    /// <summary>Connects (retrying until the server answers and takes the streams, or <paramref name="ct"/> fires).</summary>
    public static async Task<NatsBroker> ConnectAsync(NatsBrokerOptions options, CancellationToken ct = default)
    {
        var broker = Start(options);
        try
        {
            await broker.WhenReady(ct);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes once the broker is ready.</summary>
    public Task WhenReady(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    /// <summary>Waits at most <see cref="NatsBrokerOptions.ConnectPatience"/> (or <paramref name="atMost"/>, if shorter) for the broker to be ready; true if it is.</summary>
    public async Task<bool> ReadyWithin(TimeSpan? atMost, CancellationToken ct)
    {
        if (IsReady) return true;
        var patience = atMost is { } limit && limit < Options.ConnectPatience ? limit : Options.ConnectPatience;
        try
        {
            await _ready.Task.WaitAsync(patience, ct);
            return true;
        }
        catch (TimeoutException) { return false; }
    }

    /// <summary>Why a publish cannot go through now, for the operator: the broker's URL (without credentials) and
    /// <see cref="Problem"/>. Replies to remote callers name neither (<see cref="NatsCommandSender"/>).</summary>
    public string UnavailableReason() => $"the broker at {Options.DisplayUrl} cannot be used: {Problem ?? "the connection is " + Connection.ConnectionState.ToString().ToLowerInvariant()}";

    /// <summary>Throws <see cref="BrokerUnavailableException"/> unless the broker is ready within <see cref="NatsBrokerOptions.ConnectPatience"/>.</summary>
    public async Task EnsureReady(CancellationToken ct)
    {
        if (!await ReadyWithin(null, ct)) throw new BrokerUnavailableException(UnavailableReason());
    }

    private async Task SetUp()
    {
        string? logged = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (Connection.ConnectionState != NatsConnectionState.Open) await Connection.ConnectAsync().AsTask().WaitAsync(_stop.Token);
                await EnsureStreamsAsync(_stop.Token);
                _problem = null;
                _ready.TrySetResult();
                if (logged is not null) _logger.LogInformation("The broker at {Url} is ready.", Options.DisplayUrl);
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                _problem = ex is NatsJSApiException api
                    ? $"its streams could not be set up ({Options.EventsStream}, {Options.CommandsStream}, {Options.DeadStream}): {api.Error.Description} (JetStream error {api.Error.ErrCode})"
                    : $"{ex.GetType().Name}: {ex.Message}";
                if (_problem != logged) _logger.LogError("The broker at {Url} is not ready, trying again: {Problem}", Options.DisplayUrl, _problem);
                logged = _problem;
                try { await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Sets the streams up again (create or update) after a publish, a send or a consumer failed on a ready broker: one
    /// may be missing (a broker restarted without its storage, a stream deleted by hand), and nothing else would make it
    /// again. Callers at the same time share one run and all return once it ended; a failure is logged and left to the
    /// next call. Never throws.
    /// </summary>
    public async Task RestoreStreamsAsync(CancellationToken ct)
    {
        if (!IsReady || Connection.ConnectionState != NatsConnectionState.Open) return;
        Task run;
        lock (_restoreGate)
        {
            if (_restoring is null || _restoring.IsCompleted) _restoring = RestoreStreams();
            run = _restoring;
        }
        try { await run.WaitAsync(ct); }
        catch (OperationCanceledException) { /* the caller stops; the run goes on */ }
    }

    private async Task RestoreStreams()
    {
        try { await EnsureStreamsAsync(_stop.Token); }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception ex) { _logger.LogWarning("The streams of the broker at {Url} could not be set up again: {Error}", Options.DisplayUrl, ex.Message); }
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

    private int _disposed;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // A second call (a host and a caller both disposing) finds the broker stopped.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        await Connection.DisposeAsync();
        try { await _settingUp; } catch (Exception) { /* stopping */ }
        _stop.Dispose();
    }
}
