using System.Collections.Concurrent;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Routing;

/// <summary>
/// The databases of a tenancy map, each opened (and migrated, when its opener migrates) on first use and kept open.
/// A database that cannot be opened is not remembered as failed: the next call tries again, so a database that comes
/// back needs no restart. Failures that mean "unreachable" become a <see cref="StoreUnavailableException"/> naming it.
/// </summary>
public sealed class TenantDatabases : IAsyncDisposable
{
    private readonly Func<string, CancellationToken, Task<TenantDatabase>> _open;
    private readonly ConcurrentDictionary<string, Lazy<Task<TenantDatabase>>> _opened = new(StringComparer.Ordinal);

    /// <summary>The databases named, opened by <paramref name="open"/> (which may migrate).</summary>
    public TenantDatabases(IEnumerable<string> names, Func<string, CancellationToken, Task<TenantDatabase>> open)
    {
        Names = names.ToArray();
        _open = open;
    }

    /// <summary>The databases' names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The database, opened on first use. Throws a <see cref="StoreUnavailableException"/> when it cannot be reached.</summary>
    public async ValueTask<TenantDatabase> Open(string name, CancellationToken ct)
    {
        if (!Names.Contains(name, StringComparer.Ordinal))
            throw new ArgumentException($"Database '{name}' is not one of the configured databases ({string.Join(", ", Names)}).", nameof(name));
        var opening = _opened.GetOrAdd(name, n => new Lazy<Task<TenantDatabase>>(() => _open(n, CancellationToken.None)));
        if (opening.Value.IsCompletedSuccessfully) return opening.Value.Result;
        try
        {
            return await opening.Value.WaitAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _opened.TryRemove(KeyValuePair.Create(name, opening));
            if (StoreFailures.IsUnavailable(e) && e is not StoreUnavailableException)
                throw new StoreUnavailableException($"Database '{name}' cannot be opened: {e.Message}", e);
            throw;
        }
    }

    /// <summary>Opens every database (migrating those whose opener migrates); throws the first failure after trying all.</summary>
    public async Task OpenAll(CancellationToken ct)
    {
        var failures = new List<Exception>();
        foreach (var name in Names)
        {
            try { await Open(name, ct); }
            catch (Exception e) when (!ct.IsCancellationRequested) { failures.Add(e); }
        }
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1) throw new AggregateException("Several databases could not be opened.", failures);
    }

    /// <summary>Disposes the opened databases.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var opening in _opened.Values)
            if (opening.IsValueCreated && opening.Value.IsCompletedSuccessfully) await opening.Value.Result.DisposeAsync();
        _opened.Clear();
    }
}
