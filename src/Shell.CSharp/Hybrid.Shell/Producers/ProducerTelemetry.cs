using System.Diagnostics.Metrics;

namespace Hybrid.Shell.Producers;

/// <summary>Counters of producers (meter "Hybrid.Producers").</summary>
public static class ProducerTelemetry
{
    /// <summary>The name of the meter.</summary>
    public const string Name = Telemetry.HybridTelemetry.Producers;

    private static readonly Meter Meter = new(Name);

    /// <summary>Messages the broker acknowledged, by producer.</summary>
    public static readonly Counter<long> Published = Meter.CreateCounter<long>("hybrid.producer.published");
}
