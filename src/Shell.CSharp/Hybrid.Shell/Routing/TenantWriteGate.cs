namespace Hybrid.Shell.Routing;

/// <summary>
/// Lets a tenant's writes through, or holds them while the tenant is paused (a move): a pause waits until the writes
/// already in flight have finished, and new writes wait until it is lifted. Reads are never held.
/// </summary>
public sealed class TenantWriteGate
{
    private sealed class State
    {
        public int InFlight;
        public TaskCompletionSource? Resumed;
        public TaskCompletionSource? Drained;
    }

    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);

    /// <summary>Waits until the tenant's writes may pass, then counts one in flight; call <see cref="Exit"/> after it.</summary>
    public ValueTask Enter(string tenant, CancellationToken ct)
    {
        Task wait;
        lock (_states)
        {
            var state = StateOf(tenant);
            if (state.Resumed is null)
            {
                state.InFlight++;
                return ValueTask.CompletedTask;
            }
            wait = state.Resumed.Task;
        }
        return EnterAfter(wait, tenant, ct);
    }

    private async ValueTask EnterAfter(Task wait, string tenant, CancellationToken ct)
    {
        await wait.WaitAsync(ct);
        await Enter(tenant, ct);
    }

    /// <summary>A write of the tenant finished.</summary>
    public void Exit(string tenant)
    {
        lock (_states)
        {
            var state = _states[tenant];
            state.InFlight--;
            if (state.InFlight == 0) state.Drained?.TrySetResult();
        }
    }

    /// <summary>True while the tenant is paused.</summary>
    public bool IsPaused(string tenant)
    {
        lock (_states) return _states.TryGetValue(tenant, out var state) && state.Resumed is not null;
    }

    /// <summary>Holds the tenant's new writes and waits until those in flight are done. Throws when it is paused already.</summary>
    public async Task Pause(string tenant, CancellationToken ct)
    {
        Task drained;
        lock (_states)
        {
            var state = StateOf(tenant);
            if (state.Resumed is not null) throw new InvalidOperationException($"Tenant '{tenant}' is paused already.");
            state.Resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            state.Drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (state.InFlight == 0) state.Drained.TrySetResult();
            drained = state.Drained.Task;
        }
        try { await drained.WaitAsync(ct); }
        catch
        {
            Resume(tenant);
            throw;
        }
    }

    /// <summary>Lets the tenant's writes through again (nothing happens when it was not paused).</summary>
    public void Resume(string tenant)
    {
        TaskCompletionSource? resumed;
        lock (_states)
        {
            var state = StateOf(tenant);
            resumed = state.Resumed;
            state.Resumed = null;
            state.Drained = null;
        }
        resumed?.TrySetResult();
    }

    private State StateOf(string tenant)
    {
        if (!_states.TryGetValue(tenant, out var state)) _states[tenant] = state = new State();
        return state;
    }
}
