namespace Hybrid.InMemory.Simulation;

/// <summary>How often each fault is injected: a probability per opportunity (per append, per handler call, per step).</summary>
public sealed record FaultRates
{
    /// <summary>Per append.</summary>
    public double AppendFailedBeforeWrite { get; init; }
    /// <summary>Per append.</summary>
    public double AppendAckLost { get; init; }
    /// <summary>Per append.</summary>
    public double SlowAppend { get; init; }
    /// <summary>Per command.</summary>
    public double ConcurrentDuplicate { get; init; }
    /// <summary>Per handler call.</summary>
    public double HandlerException { get; init; }
    /// <summary>Per effect attempt.</summary>
    public double EffectFailure { get; init; }
    /// <summary>Per effect, between the effect and its checkpoint (either order).</summary>
    public double ProcessorCrash { get; init; }
    /// <summary>Per node tick.</summary>
    public double DeadlineRace { get; init; }
    /// <summary>Per step.</summary>
    public double NodePause { get; init; }
    /// <summary>Per step.</summary>
    public double ClockJump { get; init; }
    /// <summary>Per step.</summary>
    public double ReadModelCacheLoss { get; init; }

    /// <summary>Per step: how often a database of a multi-database run goes down (never in a run on one database).</summary>
    public double DatabaseOutage { get; init; }

    /// <summary>No faults: the demo's setting.</summary>
    public static FaultRates None { get; } = new();

    /// <summary>Every fault, often enough that a run of a few thousand steps meets each of them.</summary>
    public static FaultRates Default { get; } = new()
    {
        AppendFailedBeforeWrite = 0.01,
        AppendAckLost = 0.01,
        SlowAppend = 0.02,
        ConcurrentDuplicate = 0.03,
        HandlerException = 0.03,
        EffectFailure = 0.1,
        ProcessorCrash = 0.02,
        DeadlineRace = 0.3,
        NodePause = 0.001,
        ClockJump = 0.0003,
        ReadModelCacheLoss = 0.001,
        DatabaseOutage = 0.002,
    };

    /// <summary>The rate of a kind.</summary>
    public double Of(FaultKind kind) => kind switch
    {
        FaultKind.AppendFailedBeforeWrite => AppendFailedBeforeWrite,
        FaultKind.AppendAckLost => AppendAckLost,
        FaultKind.SlowAppend => SlowAppend,
        FaultKind.ConcurrentDuplicate => ConcurrentDuplicate,
        FaultKind.HandlerException => HandlerException,
        FaultKind.EffectFailure => EffectFailure,
        FaultKind.ProcessorCrash => ProcessorCrash,
        FaultKind.DeadlineRace => DeadlineRace,
        FaultKind.NodePause => NodePause,
        FaultKind.ClockJump => ClockJump,
        FaultKind.ReadModelCacheLoss => ReadModelCacheLoss,
        FaultKind.DatabaseOutage => DatabaseOutage,
        _ => 0,
    };

    /// <summary>The same rates with one kind switched off.</summary>
    public FaultRates Without(FaultKind kind) => kind switch
    {
        FaultKind.AppendFailedBeforeWrite => this with { AppendFailedBeforeWrite = 0 },
        FaultKind.AppendAckLost => this with { AppendAckLost = 0 },
        FaultKind.SlowAppend => this with { SlowAppend = 0 },
        FaultKind.ConcurrentDuplicate => this with { ConcurrentDuplicate = 0 },
        FaultKind.HandlerException => this with { HandlerException = 0 },
        FaultKind.ProcessorCrash => this with { ProcessorCrash = 0 },
        FaultKind.NodePause => this with { NodePause = 0 },
        FaultKind.ClockJump => this with { ClockJump = 0 },
        FaultKind.ReadModelCacheLoss => this with { ReadModelCacheLoss = 0 },
        FaultKind.DatabaseOutage => this with { DatabaseOutage = 0 },
        _ => this,
    };

    /// <summary>The kinds injected at a rate above zero.</summary>
    public IReadOnlyList<FaultKind> Active => Enum.GetValues<FaultKind>().Where(k => Of(k) > 0).ToArray();
}
