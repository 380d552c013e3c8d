using Microsoft.Extensions.Hosting;

namespace Hybrid.Shell.Postgres.Startup;

/// <summary>
/// Opens (and migrates) the node's PostgreSQL store in the background from the moment the host starts, retrying with
/// backoff on the host's clock until the database can be reached, so the node starts whether or not it can, and the
/// schema is migrated as soon as it can be even when no request or processor asks for the store.
/// </summary>
internal sealed class PostgresStoreOpener(PostgresStoreGate gate, TimeProvider clock) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stopping = new();
    private Task _opening = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _opening = Task.Run(() => gate.OpenWithRetriesAsync(clock, FirstDelay, MaxDelay, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();
}
