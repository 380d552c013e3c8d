using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Shell.Postgres.Startup;

/// <summary>
/// The PostgreSQL event store of a node, opened (and migrated) when its database can first be reached rather than when
/// the node starts: every call waits for it through <see cref="Open"/>, which tries to open it now (one attempt at a
/// time, shared by the callers) and throws a <see cref="StoreUnavailableException"/> while it cannot be opened, so a
/// node started during an outage answers 503 and starts working once the server is back, with no restart.
/// </summary>
internal sealed class PostgresStoreGate(PostgresEventStoreOptions options, ILogger? logger = null) : IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _gate = new();
    private Task<PostgresEventStore>? _opening;
    private bool _disposed;

    /// <summary>Where the store is, for messages: its database, host and port (never its password).</summary>
    public string Target { get; } = PostgresStartupFailure.Describe(options);

    /// <summary>The limits the store checks appends against.</summary>
    public InputLimits Limits => options.Limits;

    /// <summary>True once the store is open.</summary>
    public bool IsOpen => Volatile.Read(ref _opening) is { IsCompletedSuccessfully: true };

    /// <summary>The open store; opens it first when it is not yet open. Throws <see cref="StoreUnavailableException"/> while it cannot be.</summary>
    public async ValueTask<PostgresEventStore> Open(CancellationToken ct)
    {
        var opening = Volatile.Read(ref _opening);
        if (opening is { IsCompletedSuccessfully: true }) return opening.Result;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // The attempt does not take the caller's token: other callers share it, and a store opened late is still opened.
            _opening ??= Task.Run(() => PostgresEventStore.CreateAsync(options, CancellationToken.None));
            opening = _opening;
        }
        try
        {
            return await opening.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_opening, opening)) _opening = null;
            }
            if (e is StoreUnavailableException) throw;
            throw new StoreUnavailableException($"The PostgreSQL event store ({Target}) is not open yet: {PostgresStartupFailure.Explain(e)}", e);
        }
    }

    /// <summary>Waits the store's reconnect delay on its clock: what a caller that waits for the store sleeps between attempts.</summary>
    public Task WaitBeforeRetry(CancellationToken ct) => Task.Delay(options.ReconnectDelay, options.Clock, ct);

    /// <summary>
    /// Tries to open the store until it is open (or <paramref name="ct"/> ends), waiting between attempts from
    /// <paramref name="firstDelay"/> doubling up to <paramref name="maxDelay"/> on <paramref name="clock"/>, and logs each failure:
    /// an outage as a warning, a configuration error (wrong password, missing database or role, a role that bypasses
    /// row-level security) as an error saying what to fix.
    /// </summary>
    public async Task OpenWithRetriesAsync(TimeProvider clock, TimeSpan firstDelay, TimeSpan maxDelay, CancellationToken ct)
    {
        var delay = firstDelay;
        for (var attempt = 1; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await Open(ct).ConfigureAwait(false);
                if (attempt > 1) _logger.LogInformation("The PostgreSQL event store ({Target}) is open after {Attempts} attempts.", Target, attempt);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                var cause = e.InnerException ?? e;
                if (PostgresStartupFailure.IsConfiguration(cause))
                    _logger.LogError("The PostgreSQL event store ({Target}) cannot be opened: {Problem} Fix: {Fix} The node keeps answering 503 and retries in {Delay}.",
                        Target, PostgresStartupFailure.Explain(cause), PostgresStartupFailure.FixFor(cause, options), delay);
                else
                    _logger.LogWarning("The PostgreSQL event store ({Target}) cannot be reached ({Problem}); the node answers 503 and retries in {Delay}.",
                        Target, PostgresStartupFailure.Explain(cause), delay);
            }
            try { await Task.Delay(delay, clock, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, delay.Ticks * 2));
        }
    }

    /// <summary>Disposes the store when it was opened (waiting for an attempt in flight).</summary>
    public async ValueTask DisposeAsync()
    {
        Task<PostgresEventStore>? opening;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            opening = _opening;
        }
        if (opening is null) return;
        try
        {
            await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception) when (!opening.IsCompletedSuccessfully)
        {
            // It never opened: nothing to dispose (the attempt disposed what it had made).
        }
    }
}
