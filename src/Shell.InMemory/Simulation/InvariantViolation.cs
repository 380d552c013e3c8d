namespace Hybrid.InMemory.Simulation;

/// <summary>A violated invariant: where (seed, step) and what, with the command that replays the run.</summary>
public sealed record InvariantViolation(string Invariant, int Seed, long Step, string Detail, string Replay)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"Seed {Seed}, step {Step}: invariant '{Invariant}' violated: {Detail} Replay with: {Replay}";
}
