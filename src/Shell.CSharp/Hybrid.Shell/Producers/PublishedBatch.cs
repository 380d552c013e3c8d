namespace Hybrid.Shell.Producers;

/// <summary>
/// A batch handed to the publisher and not yet completed: the messages still to be acknowledged, the publish in flight,
/// and the last position read (where the checkpoint goes once the batch is complete).
/// </summary>
internal sealed class PublishedBatch(List<IntegrationPublication> pending, Task<PublishOutcome> first, long end)
{
    /// <summary>The messages not yet acknowledged (the leading ones leave as acknowledgements come).</summary>
    public List<IntegrationPublication> Pending { get; } = pending;

    /// <summary>The first publish of the batch, started without waiting; null once its outcome was taken.</summary>
    public Task<PublishOutcome>? First { get; set; } = first;

    /// <summary>The last position of the batch's events.</summary>
    public long End { get; } = end;

    /// <summary>True when the first publish ended with every message acknowledged (waits for it; false on any failure).</summary>
    public async Task<bool> AcknowledgedWhole(CancellationToken ct)
    {
        if (First is null) return false;
        try { return (await First.WaitAsync(ct)).Acknowledged >= Pending.Count; }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { return false; }
    }
}
