using Hybrid.Simulation;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// What the shell saw happen to one tenant, kept beside the log so invariants can compare the two: the ids it
/// proposed and had acknowledged, denied commands, effects run and periodic attempts.
/// </summary>
public sealed class TenantLedger(HashSet<Guid> proposed)
{
    /// <summary>Every event id anyone proposed (shared by every tenant: ids are minted before the tenant is known).</summary>
    public HashSet<Guid> Proposed { get; } = proposed;

    /// <summary>The acknowledged events and their positions.</summary>
    public Dictionary<Guid, long> Acknowledged { get; } = [];

    /// <summary>The command ids (correlation ids) whose authorization failed.</summary>
    public HashSet<string> DeniedCommands { get; } = [];

    /// <summary>How many events each acknowledged command wrote, by command id.</summary>
    public Dictionary<string, int> CommandWrites { get; } = [];

    /// <summary>How often each processor's effect ran, by source event id.</summary>
    public Dictionary<string, Dictionary<Guid, int>> EffectRuns { get; } = [];

    /// <summary>Every effect run, in order, with its intent (what user invariants see).</summary>
    public List<EffectRun> EffectLog { get; } = [];

    /// <summary>The due instants of each periodic task that reached a definite outcome (fired, or found fired).</summary>
    public Dictionary<string, List<DateTimeOffset>> AttemptedDues { get; } = [];

    /// <summary>Records the acknowledged envelopes of an append.</summary>
    public void Acknowledge(RecordedEvent[] events)
    {
        foreach (var e in events) Acknowledged[e.Id] = e.Position;
    }

    /// <summary>Counts a run of a processor's effect.</summary>
    public void EffectRan(string processor, RecordedEvent source, EffectIntent intent)
    {
        var runs = Of(EffectRuns, processor);
        runs[source.Id] = runs.GetValueOrDefault(source.Id) + 1;
        EffectLog.Add(new EffectRun(processor, source, intent));
    }

    /// <summary>The effect runs of a processor.</summary>
    public IReadOnlyDictionary<Guid, int> EffectRunsOf(string processor) => Of(EffectRuns, processor);

    /// <summary>The attempted due instants of a task.</summary>
    public List<DateTimeOffset> AttemptsOf(string task) => Of(AttemptedDues, task);

    private static T Of<T>(Dictionary<string, T> map, string key) where T : new()
    {
        if (!map.TryGetValue(key, out var value)) map[key] = value = new T();
        return value;
    }
}
