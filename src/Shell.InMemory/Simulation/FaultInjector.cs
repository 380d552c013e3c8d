namespace Hybrid.InMemory.Simulation;

/// <summary>Decides, from its own seeded generator, whether a fault happens now, and counts the faults injected.</summary>
public sealed class FaultInjector(int seed, FaultRates rates)
{
    private readonly Random _random = new(seed);
    private readonly long[] _counts = new long[Enum.GetValues<FaultKind>().Length];

    /// <summary>False while a drain runs with faults switched off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>True when the fault happens now (and counts it).</summary>
    public bool Inject(FaultKind kind)
    {
        var rate = rates.Of(kind);
        if (!Enabled || rate <= 0 || _random.NextDouble() >= rate) return false;
        _counts[(int)kind]++;
        return true;
    }

    /// <summary>A number from min to max - 1, for the size of a fault (a delay, a pause).</summary>
    public int Size(int min, int max) => _random.Next(min, max);

    /// <summary>How many faults of the kind were injected.</summary>
    public long Count(FaultKind kind) => _counts[(int)kind];

    /// <summary>The counts of every kind.</summary>
    public IReadOnlyDictionary<FaultKind, long> Counts =>
        Enum.GetValues<FaultKind>().ToDictionary(k => k, Count);
}
