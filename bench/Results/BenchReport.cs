// Everything a run produced: the machine, the metrics (each checked against its target) and notes.
using System.Text.Json.Serialization;

namespace Hybrid.Bench.Results;

/// <summary>The results of a run, in the shape of the JSON file.</summary>
public sealed class BenchReport
{
    private readonly List<Metric> _metrics = [];
    private readonly List<string> _notes = [];
    private readonly Lock _gate = new();

    /// <summary>The machine and run: cores, OS, runtime, PostgreSQL version, mode.</summary>
    [JsonPropertyName("machine")] public Dictionary<string, object> Machine { get; } = [];

    /// <summary>The metrics in the order they were measured.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyList<Metric> Metrics { get { lock (_gate) return [.. _metrics]; } }

    /// <summary>Explanations: missed targets, skipped benchmarks, what a figure means.</summary>
    [JsonPropertyName("notes")] public IReadOnlyList<string> Notes { get { lock (_gate) return [.. _notes]; } }

    /// <summary>True when a benchmark failed with an error (not merely skipped).</summary>
    [JsonIgnore] public bool Failed { get; private set; }

    /// <summary>Adds a metric, checking it against its target (misses are explained by <see cref="ExplainMisses"/>).</summary>
    public Metric Add(Metric metric)
    {
        var target = Target.For(metric.Name);
        if (target is not null) metric = metric with { Target = target.Describe(), TargetMet = target.IsMet(metric) };
        lock (_gate) _metrics.Add(metric);
        return metric;
    }

    /// <summary>
    /// Adds a note for every missed target saying by how much and why; called once at the end of a run, when the
    /// figures the explanations compare are all known.
    /// </summary>
    public void ExplainMisses()
    {
        foreach (var metric in Metrics.Where(m => m.TargetMet == false))
        {
            var why = MissAnalysis.Explain(metric.Name, this);
            Note(MissNote(metric, Target.For(metric.Name)!) + (why is null ? "" : $" Why: {why}"));
        }
    }

    /// <summary>The metric of that name, or null.</summary>
    public Metric? Find(string name) { lock (_gate) return _metrics.LastOrDefault(m => m.Name == name); }

    /// <summary>Adds a note.</summary>
    public void Note(string note) { lock (_gate) _notes.Add(note); }

    /// <summary>Marks a metric skipped with the reason.</summary>
    public void Skip(string name, string unit, string reason)
    {
        Add(new Metric { Name = name, Unit = unit, Skipped = reason });
        Note($"{name}: skipped: {reason}");
    }

    /// <summary>Records that a benchmark threw.</summary>
    public void Fail(string section, Exception e)
    {
        Failed = true;
        Note($"{section}: FAILED: {e.GetType().Name}: {e.Message}");
    }

    private static string MissNote(Metric m, Target t)
    {
        var measured = t.Kind is TargetKind.MinRatio or TargetKind.MaxRatio
            ? $"{m.Value:N0} {m.Unit} = {m.Ratio:0.00} x {m.Baseline} ({m.BaselineValue:N0})"
            : $"{m.Value:0.###} {m.Unit}";
        return $"{m.Name}: target {t.Describe()} missed: measured {measured}.";
    }
}
