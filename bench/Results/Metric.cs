// One measured figure, next to the raw baseline it is compared with.
using System.Text.Json.Serialization;

namespace Hybrid.Bench.Results;

/// <summary>A measured figure. Ratio is value / baseline value (higher is better for rates, lower for latencies).</summary>
public sealed record Metric
{
    /// <summary>The metric's name, e.g. <c>pg.append.single.c8</c>.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The figure, or null when the benchmark was skipped.</summary>
    [JsonPropertyName("value")] public double? Value { get; init; }

    /// <summary>The unit: <c>ev/s</c>, <c>us</c>, <c>ms</c>, <c>ratio</c>, <c>steps/s</c>.</summary>
    [JsonPropertyName("unit")] public required string Unit { get; init; }

    /// <summary>The name of the raw measurement this is compared with, or null.</summary>
    [JsonPropertyName("baseline")] public string? Baseline { get; init; }

    /// <summary>The raw measurement's figure, or null.</summary>
    [JsonPropertyName("baseline_value")] public double? BaselineValue { get; init; }

    /// <summary>Value divided by baseline value, or null when either is missing.</summary>
    [JsonPropertyName("ratio")] public double? Ratio => Value is { } v && BaselineValue is { } b && b != 0 ? Math.Round(v / b, 3) : null;

    /// <summary>What was measured: clients, tenants, events, durations.</summary>
    [JsonPropertyName("params")] public IReadOnlyDictionary<string, object> Params { get; init; } = new Dictionary<string, object>();

    /// <summary>The target it is held to, e.g. <c>ratio ≥ 0.8</c>, or null.</summary>
    [JsonPropertyName("target")] public string? Target { get; init; }

    /// <summary>True when the target is met, false when missed, null when there is no target or no value.</summary>
    [JsonPropertyName("target_met")] public bool? TargetMet { get; init; }

    /// <summary>Why there is no value, when skipped.</summary>
    [JsonPropertyName("skipped")] public string? Skipped { get; init; }

    /// <summary>The same metric compared with a baseline metric.</summary>
    public Metric Against(Metric? baseline) => this with { Baseline = baseline?.Name, BaselineValue = baseline?.Value };
}
