// Closed-loop load: N clients each run an operation back to back; the rate is counted over a measured window
// that follows a warmup, so connection set-up and JIT do not count.
using System.Diagnostics;

namespace Hybrid.Bench.Measure;

/// <summary>Runs concurrent clients against an operation and measures events per second.</summary>
public static class ClientLoad
{
    /// <summary>The CPU time per event of the last measured window (when a <see cref="CpuMeter"/> is set), else null.</summary>
    private static CpuPerEvent? LastCpu { get; set; }

    /// <summary>The CPU time per event of the last measured window, once (cleared by the call).</summary>
    public static CpuPerEvent? TakeLastCpu()
    {
        var cpu = LastCpu;
        LastCpu = null;
        return cpu;
    }

    /// <summary>
    /// Runs <paramref name="clients"/> clients; each calls <paramref name="operation"/>(client, iteration) in a loop and the
    /// operation returns how many events it wrote or read. Returns events per second over the measured window, which
    /// starts once the warmup has passed and every client finished one operation, and lasts at least
    /// <paramref name="measure"/> and until every client finished one more.
    /// </summary>
    public static async Task<double> EventsPerSecond(int clients, TimeSpan warmup, TimeSpan measure,
        Func<int, long, Task<int>> operation, CancellationToken ct = default)
    {
        long events = 0;
        var done = new long[clients];
        var stop = false;
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (long i = 0; !Volatile.Read(ref stop); i++)
            {
                ct.ThrowIfCancellationRequested();
                var n = await operation(client, i).ConfigureAwait(false);
                Interlocked.Add(ref events, n);
                Interlocked.Increment(ref done[client]);
            }
        }, ct)).ToArray();
        LastCpu = null;
        try
        {
            await WaitAsync(warmup, tasks, () => done.All(d => Interlocked.Read(ref d) > 0), ct).ConfigureAwait(false);
            var before = done.Select(d => Interlocked.Read(ref d)).ToArray();
            var start = Interlocked.Read(ref events);
            var cpuStart = CpuMeter.Current?.Now();
            var clock = Stopwatch.StartNew();
            await WaitAsync(measure, tasks, () => done.Select((d, i) => Interlocked.Read(ref d) > before[i]).All(x => x), ct).ConfigureAwait(false);
            var counted = Interlocked.Read(ref events) - start;
            var elapsed = clock.Elapsed.TotalSeconds;
            LastCpu = CpuPerEvent.Of(cpuStart, CpuMeter.Current?.Now(), counted);
            return counted / elapsed;
        }
        finally
        {
            Volatile.Write(ref stop, true);
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(TimeSpan atLeast, Task[] tasks, Func<bool> ready, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < atLeast || !ready())
        {
            var faulted = tasks.FirstOrDefault(t => t.IsFaulted);
            if (faulted is not null) await faulted.ConfigureAwait(false);
            var left = atLeast - clock.Elapsed;
            await Task.Delay(left > TimeSpan.FromMilliseconds(10) ? left : TimeSpan.FromMilliseconds(5), ct).ConfigureAwait(false);
        }
    }
}
