namespace Hybrid.Shell.Scheduling;

/// <summary>
/// Shell work a periodic task's tick runs after its trigger was written: only the node whose trigger append was
/// written runs it, so it runs once per (task, tenant, due instant) across all nodes (e.g. retention). A job that
/// throws is logged and counted; the next instant runs it again.
/// </summary>
public delegate Task TickJob(Tick tick, CancellationToken ct);
