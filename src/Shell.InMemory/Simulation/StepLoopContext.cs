namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The step loop's synchronization context: work the engines post while a step runs (a <c>Task.Yield</c> before a
/// retry, a continuation that captured the context) is queued and run on the step loop's own thread while it waits
/// for the step, never on the thread pool. One thread does everything, so a run costs no thread hops, and nothing
/// can run beside the step.
/// </summary>
public sealed class StepLoopContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();
    private readonly ManualResetEventSlim _wake = new();

    /// <inheritdoc />
    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_posted) _posted.Enqueue((d, state));
        _wake.Set();
    }

    /// <inheritdoc />
    public override void Send(SendOrPostCallback d, object? state) => d(state);

    /// <inheritdoc />
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Wakes a waiting <see cref="RunUntil"/> (a timer started, say).</summary>
    public void Wake() => _wake.Set();

    /// <summary>
    /// Runs posted work on this thread until the task completes. When nothing is posted it asks <paramref name="idle"/>
    /// (which may move the virtual clock on to a timer) and, if that did nothing either, waits to be woken.
    /// </summary>
    public void RunUntil(Task task, Func<bool>? idle = null)
    {
        if (task.IsCompleted) return;
        task.ContinueWith(static (_, wake) => ((ManualResetEventSlim)wake!).Set(), _wake, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!task.IsCompleted)
        {
            _wake.Reset();
            if (RunOne()) continue;
            if (idle?.Invoke() == true) continue;
            if (!task.IsCompleted) _wake.Wait();
        }
    }

    private bool RunOne()
    {
        (SendOrPostCallback Callback, object? State) work;
        lock (_posted)
        {
            if (!_posted.TryDequeue(out work)) return false;
        }
        work.Callback(work.State);
        return true;
    }
}
