namespace Hybrid.Shell.Processors;

/// <summary>How a node runs its todo processors.</summary>
public sealed class ProcessorOptions
{
    /// <summary>
    /// This node's id in the lease store; unique among running hosts. The default is new for every process; a host with
    /// a data directory of its own should use <see cref="NodeIdentity.For"/>, so that a restart keeps its id and takes
    /// its leases back at once.
    /// </summary>
    public string NodeId { get; set; } = $"{Environment.MachineName}-{Guid.NewGuid():N}";

    /// <summary>How long after its heartbeat expired a node's row is removed from the lease store (1 hour by default).</summary>
    public TimeSpan ForgetNodesAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a lease lasts without renewal: a node that stops renewing loses its work after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are renewed and rebalanced; well below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle processor waits for a new-event notification before it polls anyway.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events read per batch; no-op checkpoints are written once per batch.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// Batches a producer publishes before it waits for the broker's acknowledgements of the oldest (2 by default): the
    /// checkpoint still moves only over acknowledged batches, so more in flight means more to publish again after a crash.
    /// </summary>
    public int ProducerBatchesInFlight { get; set; } = 2;

    /// <summary>
    /// True (the default) when each run is a background task of its own. Off, nothing moves on its own: a deterministic
    /// simulation calls <see cref="TodoProcessorHost.Rebalance"/> and <see cref="TodoProcessorHost.StepAsync"/> itself.
    /// </summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>
    /// How long one run of an effect handler may take (1 minute by default; <see cref="Timeout.InfiniteTimeSpan"/> for no
    /// limit), on the runtime's clock. An effect still running then is cancelled and abandoned, and the attempt fails with
    /// a <see cref="TimeoutException"/> naming the tenant, processor, effect and event: it is retried, then dead-lettered
    /// (or compensated), like a throwing one. So a hanging effect holds its tenant only that long, and never the node's
    /// lease renewals (which wait for a run to finish its event in flight before they give its lease up).
    /// </summary>
    public TimeSpan EffectTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest finite <see cref="EffectTimeout"/>.</summary>
    public static readonly TimeSpan MaxEffectTimeout = TimeSpan.FromDays(1);

    /// <summary>Samples in [0, 1) for retry jitter. Simulations pass a seeded source.</summary>
    public Func<double> JitterSource { get; set; } = Random.Shared.NextDouble;

    /// <summary>The longest <see cref="LeaseDuration"/>: what every lease store grants (PostgreSQL's lease functions refuse longer ones).</summary>
    public static readonly TimeSpan MaxLeaseDuration = Limits.LeaseDuration;

    /// <summary>The longest <see cref="NodeId"/>, in characters: what every lease store takes as an owner (PostgreSQL's lease functions refuse longer ones).</summary>
    public const int MaxNodeIdLength = Limits.LeaseOwnerLength;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(NodeId)) throw new ArgumentException("ProcessorOptions.NodeId is empty.", nameof(NodeId));
        if (NodeId.Length > MaxNodeIdLength)
            throw new ArgumentException($"ProcessorOptions.NodeId has {NodeId.Length} characters; at most {MaxNodeIdLength}.", nameof(NodeId));
        if (LeaseDuration <= TimeSpan.Zero) throw new ArgumentException("ProcessorOptions.LeaseDuration must be positive.", nameof(LeaseDuration));
        if (LeaseDuration > MaxLeaseDuration)
            throw new ArgumentException($"ProcessorOptions.LeaseDuration is {LeaseDuration}; at most {MaxLeaseDuration} (a lease is renewed every RebalanceInterval).", nameof(LeaseDuration));
        if (RebalanceInterval <= TimeSpan.Zero || RebalanceInterval * 2 > LeaseDuration)
            throw new ArgumentException("ProcessorOptions.RebalanceInterval must be positive and at most half the LeaseDuration.", nameof(RebalanceInterval));
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentException("ProcessorOptions.PollInterval must be positive.", nameof(PollInterval));
        if (BatchSize < 1) throw new ArgumentException("ProcessorOptions.BatchSize must be 1 or more.", nameof(BatchSize));
        if (ProducerBatchesInFlight < 1) throw new ArgumentException("ProcessorOptions.ProducerBatchesInFlight must be 1 or more.", nameof(ProducerBatchesInFlight));
        if (EffectTimeout != Timeout.InfiniteTimeSpan && (EffectTimeout <= TimeSpan.Zero || EffectTimeout > MaxEffectTimeout))
            throw new ArgumentException($"ProcessorOptions.EffectTimeout is {EffectTimeout}; it must be positive and at most {MaxEffectTimeout}, or Timeout.InfiniteTimeSpan.", nameof(EffectTimeout));
        if (ForgetNodesAfter <= TimeSpan.Zero) throw new ArgumentException("ProcessorOptions.ForgetNodesAfter must be positive.", nameof(ForgetNodesAfter));
    }
}
