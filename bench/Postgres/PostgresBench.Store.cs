// How PostgresBench measures the store side of a metric, or records why it could not.
using Hybrid.Bench.Results;

namespace Hybrid.Bench.Postgres;

public sealed partial class PostgresBench
{
    private StoreBench? _store;
    private string? _unavailable;
    private bool _logLoaded;

    /// <summary>Sets the store under test, or the reason there is none (the metrics are then skipped).</summary>
    public void UseStore(IEventStore? store, string? unavailableReason)
    {
        _store = store is null ? null : new StoreBench(store, sizes);
        _unavailable = unavailableReason;
    }

    /// <summary>Writes the store's log tenant (once), for benchmarks that read or fold it.</summary>
    public async Task LoadStoreLog()
    {
        if (_store is null || _logLoaded) return;
        log.WriteLine($"  loading {sizes.LogEvents:N0} events into the store");
        await _store.LoadLog(sizes.LogEvents);
        _logLoaded = true;
    }

    /// <summary>Compiles the store's code paths before the first figure (see <see cref="StoreBench.WarmUp"/>).</summary>
    private async Task WarmUpStore()
    {
        if (_store is null) return;
        var duration = sizes.Warmup * 4;
        log.WriteLine($"  warming the store up for {duration.TotalSeconds:0.#} s");
        await _store.WarmUp(duration);
    }

    private async Task Store(string name, Metric baseline, Dictionary<string, object> parameters, Func<StoreBench, Task<double>> measure)
    {
        if (_store is null)
        {
            report.Skip(name, baseline.Unit, _unavailable ?? "no store under test");
            return;
        }
        var value = await measure(_store);
        Add(new Metric { Name = name, Unit = baseline.Unit, Value = value, Params = parameters }.Against(baseline));
    }
}
