// Commands racing for one aggregate on PostgreSQL: how many conflicts each command meets before it commits, with the
// default jittered backoff, against immediate retries (the raw baseline) measured in the same run.
using System.Diagnostics;
using Hybrid.Bench.Results;
using Hybrid.Shell.Commands;
using Hybrid.Sample;
using Hybrid.Shell.Ids;

namespace Hybrid.Bench.Commands;

/// <summary>Measures <c>cmd.contention.c20</c>: conflicts per command when 20 commands hit one todo list at once.</summary>
public sealed class ContentionBench(BenchReport report, TextWriter log)
{
    private const int Clients = 20;
    private static readonly Caller Member = new("contention", "bench", [Access.Roles.Member], "");

    /// <summary>Runs <paramref name="rounds"/> rounds of 20 parallel AddItem commands on a fresh list, per retry setting.</summary>
    public async Task Run(IEventStore store, int rounds)
    {
        var immediate = await Measure(store, rounds, "immediate", new CommandProcessorOptions { RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero });
        var backoff = await Measure(store, rounds, "backoff", new CommandProcessorOptions());
        report.Add(immediate);
        report.Add(backoff.Against(immediate));
    }

    private async Task<Metric> Measure(IEventStore store, int rounds, string name, CommandProcessorOptions options)
    {
        var processor = new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry), options);
        long commands = 0, attempts = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            var list = $"{name}-{round}-{Guid.NewGuid():N}"[..30];
            var created = await processor.ExecuteAsync(Member, "CreateList", new Requests.CreateList(list, "Bench"));
            if (created is not CommandOutcome.Accepted) throw new InvalidOperationException($"CreateList failed: {created}");
            using var start = new ManualResetEventSlim();
            var racing = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
            {
                start.Wait();
                return await processor.ExecuteAsync(Member, "AddItem", new Requests.AddItem(list, $"item {i}"));
            })).ToArray();
            start.Set();
            foreach (var outcome in await Task.WhenAll(racing))
            {
                commands++;
                switch (outcome)
                {
                    case CommandOutcome.Accepted accepted: attempts += accepted.Item.Attempts; break;
                    case CommandOutcome.Conflict conflict: attempts += conflict.attempts; failed++; break;
                    default: throw new InvalidOperationException($"AddItem gave {outcome}");
                }
            }
        }
        var conflicts = (double)(attempts - commands + failed) / commands;
        log.WriteLine($"  cmd.contention.c20 ({name}): {conflicts:0.00} conflicts per command, {failed} of {commands} failed, {clock.Elapsed.TotalSeconds:0.0} s");
        return new Metric
        {
            Name = name == "backoff" ? "cmd.contention.c20" : "raw.cmd.contention.c20.immediate",
            Value = Math.Round(conflicts, 3),
            Unit = "conflicts/cmd",
            Params = new Dictionary<string, object>
            {
                ["clients"] = Clients, ["rounds"] = rounds, ["commands"] = commands, ["failed"] = failed,
                ["retry"] = name == "backoff"
                    ? $"default: jittered backoff {options.RetryDelay.TotalMilliseconds} ms doubling to {options.MaxRetryDelay.TotalMilliseconds} ms, budget {options.RetryBudget.TotalSeconds} s"
                    : "immediate retries (no delay), the same attempt limit and budget",
                ["how"] = "20 AddItem commands started together on one todo list (PostgreSQL); conflicts = attempts beyond the first",
                ["elapsed_s"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            },
        };
    }
}
