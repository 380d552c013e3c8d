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
    private readonly List<ManualResetEventSlim> _waiting = [];

    /// <inheritdoc />
    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_posted) _posted.Enqueue((d, state));
        Wake();
    }

    /// <inheritdoc />
    public override void Send(SendOrPostCallback d, object? state) => d(state);

    /// <inheritdoc />
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Wakes every waiting <see cref="RunUntil"/> (a timer started, say).</summary>
    public void Wake()
    {
        lock (_waiting)
            foreach (var wake in _waiting) wake.Set();
    }

    /// <summary>
    /// Runs posted work on this thread until the task completes. When nothing is posted it asks <paramref name="idle"/>
    /// (which may move the virtual clock on to a timer) and, if that did nothing either, waits to be woken.
    /// </summary>
    public void RunUntil(Task task, Func<bool>? idle = null)
    {
        if (task.IsCompleted) return;
        // Each waiter has its own signal: a thread resetting a shared one could swallow another's wake-up.
        var wake = new ManualResetEventSlim();
        lock (_waiting) _waiting.Add(wake);
        try
        {
            task.ContinueWith(static (_, signal) => ((ManualResetEventSlim)signal!).Set(), wake, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            while (!task.IsCompleted)
            {
                wake.Reset();
                if (RunOne()) continue;
                if (idle?.Invoke() == true) continue;
                if (!task.IsCompleted) wake.Wait();
            }
        }
        finally
        {
            lock (_waiting) _waiting.Remove(wake);
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
