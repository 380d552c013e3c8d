// Percentiles of latency samples.
using System.Diagnostics;

namespace Hybrid.Bench.Measure;

/// <summary>Latency samples in Stopwatch ticks, and their percentiles.</summary>
public sealed class Percentiles(int capacity)
{
    private readonly List<long> _ticks = new(capacity);

    /// <summary>How many samples were recorded.</summary>
    public int Count => _ticks.Count;

    /// <summary>Records one sample.</summary>
    public void Add(long stopwatchTicks) => _ticks.Add(stopwatchTicks);

    /// <summary>The p-th percentile (0..100) in microseconds.</summary>
    public double Microseconds(double p) => Ticks(p) * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>The p-th percentile (0..100) in milliseconds.</summary>
    public double Milliseconds(double p) => Ticks(p) * 1_000.0 / Stopwatch.Frequency;

    private long Ticks(double p)
    {
        if (_ticks.Count == 0) throw new InvalidOperationException("No latency samples were recorded.");
        _ticks.Sort();
        var index = (int)Math.Ceiling(p / 100.0 * _ticks.Count) - 1;
        return _ticks[Math.Clamp(index, 0, _ticks.Count - 1)];
    }
}
