using Hybrid.Shell.Routing;

namespace Hybrid.Tests.Integration.Routing;

/// <summary>The gate a move closes: writes in flight finish first, new ones wait, other tenants pass.</summary>
public sealed class TenantWriteGateTests
{
    [Fact]
    public async Task a_pause_waits_for_writes_in_flight_holds_new_writes_of_that_tenant_only_and_resume_lets_them_through()
    {
        var gate = new TenantWriteGate();
        await gate.Enter("t1", default);
        var pause = gate.Pause("t1", default);
        Assert.False(pause.IsCompleted);
        gate.Exit("t1");
        await pause.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(gate.IsPaused("t1"));

        var held = gate.Enter("t1", default).AsTask();
        await gate.Enter("t2", default).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        gate.Exit("t2");
        await Task.Delay(50);
        Assert.False(held.IsCompleted);

        gate.Resume("t1");
        await held.WaitAsync(TimeSpan.FromSeconds(5));
        gate.Exit("t1");
        Assert.False(gate.IsPaused("t1"));
    }

    [Fact]
    public async Task a_cancelled_pause_lets_writes_through_again()
    {
        var gate = new TenantWriteGate();
        await gate.Enter("t1", default);
        using var cancel = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.Pause("t1", cancel.Token));
        Assert.False(gate.IsPaused("t1"));
        gate.Exit("t1");
        await gate.Enter("t1", default).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }
}
