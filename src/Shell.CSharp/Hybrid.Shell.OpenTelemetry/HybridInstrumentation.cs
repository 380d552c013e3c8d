using Hybrid.Shell.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry;

/// <summary>
/// Adds Hybrid's activity sources and meters (<see cref="HybridTelemetry"/>) to OpenTelemetry. In the OpenTelemetry
/// namespace, beside the builders, as OpenTelemetry's own instrumentation packages do.
/// </summary>
public static class HybridInstrumentation
{
    /// <summary>Traces commands, queries, store appends, processors, effects and periodic fires.</summary>
    public static TracerProviderBuilder AddHybridInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource([.. HybridTelemetry.ActivitySourceNames]);
    }

    /// <summary>Records command, query and append counts and durations, processor, scheduler and read-model cache counters.</summary>
    public static MeterProviderBuilder AddHybridInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter([.. HybridTelemetry.MeterNames]);
    }
}
