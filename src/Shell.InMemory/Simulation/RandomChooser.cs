using Hybrid.Simulation;

namespace Hybrid.InMemory.Simulation;

/// <summary>The workload's choices, from the run's seeded generator.</summary>
public sealed class RandomChooser(Random random) : IChooser
{
    /// <inheritdoc />
    public int Next(int count) => random.Next(count);

    /// <inheritdoc />
    public bool Chance(double probability) => random.NextDouble() < probability;
}
