using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Routing;

/// <summary>
/// What a writer does when its tenant's database refuses the write because the tenant is fenced there (a move is under
/// way, or done and this node's map is stale): the refused transaction wrote nothing, so it reads the route again and
/// writes to the new database at once when the route moved; while the move is still under way it waits and tries
/// again, on the map's clock, up to <see cref="Patience"/>, then fails as unavailable (HTTP 503) naming the tenant.
/// </summary>
public sealed class FencedWrites(ITenancyMap map, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>How long a write waits for a move under way to finish before it fails as unavailable.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a waiting write looks at the route again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Writes refused by a fence so far, for tests and metrics.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    private long _refusals;

    /// <summary>Runs the write (which routes by the map each time), again after each fence refusal as described above.</summary>
    public async Task<T> Run<T>(string tenant, Func<Task<T>> write, CancellationToken ct)
    {
        var giveUpAt = (DateTimeOffset?)null;
        while (true)
        {
            var database = await map.DatabaseOf(tenant, ct);
            try { return await write(); }
            catch (Exception e) when (StoreFailures.IsTenantFenced(e))
            {
                Interlocked.Increment(ref _refusals);
                await map.Refresh(tenant, ct);
                if (await map.DatabaseOf(tenant, ct) != database) continue;
                giveUpAt ??= _clock.GetUtcNow() + Patience;
                if (_clock.GetUtcNow() >= giveUpAt)
                    throw new StoreUnavailableException(
                        $"Tenant '{tenant}': database '{database}' refuses its writes (the tenant is being moved); try again shortly.", e);
                await Task.Delay(RetryInterval, _clock, ct);
            }
        }
    }
}
