using Hybrid.InMemory.Simulation;
using Hybrid.Simulation;
using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>Prints a simulation's report: the run, the invariants checked, the faults injected, what happened.</summary>
internal static class SimulationSummary
{
    public static void Print(SimulationReport report)
    {
        var run = new Table().Title("Run").AddColumns("", "");
        run.HideHeaders();
        run.AddRow("seed", report.Options.Seed.ToString());
        run.AddRow("steps", $"{report.StepsTaken:N0} (+ {report.DrainSteps:N0} drain steps, faults off)");
        run.AddRow("tenants / nodes", $"{report.Options.Tenants} / {report.Options.Nodes}");
        run.AddRow("events written", $"{report.Events:N0}");
        run.AddRow("virtual time", $"{report.VirtualTime.TotalDays:F1} days");
        // Wall time varies from run to run: shown on a terminal only, so piped runs of one seed print the same bytes.
        if (!Console.IsOutputRedirected) run.AddRow("wall time", $"{report.Elapsed.TotalSeconds:F1} s ({report.StepsPerSecond:N0} steps/s)");
        run.AddRow("log digest", report.LogDigest[..16]);
        AnsiConsole.Write(run);

        var invariants = new Table().Title("Invariants").AddColumns("invariant", "facts verified", "result");
        foreach (var name in report.Checks.Keys)
        {
            var violated = report.Violation?.Invariant == name;
            invariants.AddRow(Markup.Escape(name), $"{report.Checks[name]:N0}", violated ? "[red]VIOLATED[/]" : "[green]held[/]");
        }
        AnsiConsole.Write(invariants);

        var faults = new Table().Title("Faults injected").AddColumns("fault", "count");
        foreach (var (kind, count) in report.Faults) faults.AddRow(kind.ToString(), $"{count:N0}");
        AnsiConsole.Write(faults);

        var s = report.Stats;
        var activity = new Table().Title("Activity").AddColumns("what", "count");
        activity.AddRow("commands accepted / unchanged", $"{s.CommandsAccepted:N0} / {s.CommandsUnchanged:N0}");
        activity.AddRow("commands rejected / unauthorized / failed", $"{s.CommandsRejected:N0} / {s.CommandsUnauthorized:N0} / {s.CommandsFailed:N0}");
        activity.AddRow("conflicts retried", $"{s.Conflicts:N0}");
        activity.AddRow("events processed / dead-lettered", $"{s.EventsProcessed:N0} / {s.DeadLetters:N0}");
        activity.AddRow("effects run", $"{s.EffectsRun:N0}");
        activity.AddRow("writes fenced off (lease lost)", $"{s.FencedWrites:N0}");
        activity.AddRow("periodic triggers fired / found fired", $"{s.TriggersFired:N0} / {s.TriggersAlreadyFired:N0}");
        activity.AddRow("deadlines fired / found fired", $"{s.DeadlinesFired:N0} / {s.DeadlinesAlreadyFired:N0}");
        activity.AddRow("read-model reads", $"{s.ReadModelReads:N0}");
        activity.AddRow("subjects forgotten", $"{s.SubjectsForgotten:N0}");
        var cache = report.ReadModelCache;
        activity.AddRow(report.Options.ReadModelCacheDirectory is null ? "read models from L1 / folded from the log" : "read models from L1 / LMDB / folded from the log",
            report.Options.ReadModelCacheDirectory is null
                ? $"{cache.L1Hits:N0} / {cache.L2Misses:N0}"
                : $"{cache.L1Hits:N0} / {cache.L2Hits:N0} / {cache.L2Misses:N0}");
        if (report.Options.ReadModelCacheDirectory is not null)
            activity.AddRow("LMDB write-backs", $"{cache.WriteBacks:N0} ({cache.BytesWrittenBack / 1024.0:N0} KiB)");
        AnsiConsole.Write(activity);

        if (report.Violation is { } violation)
        {
            AnsiConsole.MarkupLine($"[red]FAILED[/] {Markup.Escape(violation.ToString())}");
        }
        else
        {
            AnsiConsole.MarkupLine($"[green]PASSED[/]: every invariant held. Replay with: {Markup.Escape(report.Options.ReplayCommand)}");
        }
    }
}
