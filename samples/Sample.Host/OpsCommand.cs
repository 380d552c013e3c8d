using System.CommandLine;
using System.Globalization;
using Hybrid.Shell.Operations;

namespace Hybrid.Sample.Host;

/// <summary>
/// `ops …`: the operator's commands over <see cref="HybridOperations"/> on the embedded store (--data DIR) or PostgreSQL
/// (--postgres), with the broker's producer when --nats is given: dead letters (list, show, retry, discard), processors
/// (pause, resume, replay, lag), read models (rebuild), retention (what the policies purge, with --dry-run only shown), a
/// logical check of the store (verify) and forgetting a subject (forget-subject).
/// </summary>
internal static class OpsCommand
{
    private sealed record Common(Option<string> Data, Option<string> Postgres, Option<string> AppPassword, Option<string> Nats);

    public static System.CommandLine.Command Create()
    {
        var common = new Common(
            CliArguments.Text("--data", "The data directory whose embedded store (its events/ folder) to operate on; not while a serve has it.", null),
            CliArguments.Text("--postgres", "The owner's PostgreSQL connection string (migrates first; operations run as the application role).", null,
                CliArguments.CheckConnectionString),
            CliArguments.Text("--app-password", $"The application role's password (else ${ApplicationPassword.EnvironmentVariable}).", null),
            CliArguments.Text("--nats", "The broker the handlers' producer publishes to: with it, the producer's dead letters can be retried (published again).", null,
                BrokerTopology.CheckNatsUrl));
        var ops = new System.CommandLine.Command("ops", "Operate a store: dead letters, processors, read models, retention, verification, forgetting.");
        foreach (var sub in new[] { DeadLetters(common), Show(common), Letter(common, "retry"), Letter(common, "discard"), Pause(common, "pause"),
                     Pause(common, "resume"), Replay(common), Lag(common), Rebuild(common), RetentionRun(common), Verify(common), ForgetSubject(common) })
            ops.Subcommands.Add(sub);
        return ops;
    }

    private static Option<string> Tenant(bool required) =>
        new("--tenant") { Description = "The tenant.", Required = required };

    private static Option<string> Processor(bool required) =>
        new("--processor") { Description = "The processor (or producer).", Required = required };

    private static Option<long> Position(string name = "--position") =>
        CliArguments.RequiredNumber(name, "The position in the tenant's log", 0, long.MaxValue);

    private static System.CommandLine.Command With(Common common, string name, string description, Option[] options,
        Func<ParseResult, HybridOperations, OpsOutput, CancellationToken, Task<int>> run)
    {
        var command = new System.CommandLine.Command(name, description) { common.Data, common.Postgres, common.AppPassword, common.Nats };
        foreach (var option in options) command.Options.Add(option);
        command.SetAction((parse, ct) => OpsSession.Run(name, new OpsStores(parse.GetValue(common.Data), parse.GetValue(common.Postgres), parse.GetValue(common.AppPassword), parse.GetValue(common.Nats)),
            (operations, output, token) => run(parse, operations, output, token), ct));
        return command;
    }

    private static System.CommandLine.Command DeadLetters(Common common)
    {
        var tenant = Tenant(false);
        var processor = Processor(false);
        var all = new Option<bool>("--all") { Description = "Also list replayed and discarded dead letters (default: pending only)." };
        return With(common, "dead-letters", "List dead letters (pending only unless --all).", [tenant, processor, all], async (parse, ops, output, ct) =>
        {
            var letters = await ops.DeadLetters(parse.GetValue(tenant), parse.GetValue(processor), parse.GetValue(all), ct);
            output.Rows(["tenant", "processor", "position", "type", "status", "attempts", "failed at", "error"],
                letters.Select(d => new[] { d.Tenant, d.Processor, Text(d.Position), d.EventType, d.Status.ToString(), Text(d.Attempts),
                    d.FailedAt.ToString("u", CultureInfo.InvariantCulture), d.Error }));
            return 0;
        });
    }

    private static System.CommandLine.Command Show(Common common)
    {
        var (tenant, processor, position) = (Tenant(true), Processor(true), Position());
        return With(common, "show", "Show one dead letter with its event.", [tenant, processor, position], async (parse, ops, output, ct) =>
        {
            var d = await ops.DeadLetter(parse.GetValue(tenant)!, parse.GetValue(processor)!, parse.GetValue(position), ct);
            var e = (await ops.Events(d.Tenant, d.Position - 1, 1, ct)).FirstOrDefault();
            output.Rows(["field", "value"], [
                ["tenant", d.Tenant], ["processor", d.Processor], ["position", Text(d.Position)], ["status", d.Status.ToString()],
                ["attempts", Text(d.Attempts)], ["error", d.Error], ["event", d.EventType], ["event id", d.EventId.ToString()],
                ["body", e?.Body ?? "(not found)"]]);
            return 0;
        });
    }

    private static System.CommandLine.Command Letter(Common common, string verb)
    {
        var (tenant, processor, position) = (Tenant(true), Processor(true), Position());
        var description = verb == "retry" ? "Run the processor's handler on a pending dead letter's event again." : "Discard a pending dead letter.";
        return With(common, verb, description, [tenant, processor, position], async (parse, ops, output, ct) =>
        {
            var (t, p, at) = (parse.GetValue(tenant)!, parse.GetValue(processor)!, parse.GetValue(position));
            var done = verb == "retry" ? await ops.Retry(t, p, at, ct) : await ops.Discard(t, p, at, ct);
            Console.WriteLine($"{t} {p} {at}: {done.Status.ToString().ToLowerInvariant()}");
            return 0;
        });
    }

    private static System.CommandLine.Command Pause(Common common, string verb)
    {
        var (tenant, processor) = (Tenant(false), Processor(true));
        return With(common, verb, $"{(verb == "pause" ? "Pause" : "Resume")} a processor for a tenant, or for every tenant without --tenant (every node honours it).",
            [tenant, processor], async (parse, ops, output, ct) =>
            {
                var (t, p) = (parse.GetValue(tenant), parse.GetValue(processor)!);
                var changed = verb == "pause" ? await ops.Pause(p, t, ct) : await ops.Resume(p, t, ct);
                Console.WriteLine($"{p} for {t ?? "every tenant"}: {(verb == "pause" ? "paused" : "resumed")}{(changed ? "" : " (already so)")}");
                return 0;
            });
    }

    private static System.CommandLine.Command Replay(Common common)
    {
        var (tenant, processor, from) = (Tenant(true), Processor(true), Position("--from"));
        return With(common, "replay", "Set a processor back for a tenant: it handles the events after --from again.", [tenant, processor, from],
            async (parse, ops, output, ct) =>
            {
                var (t, p) = (parse.GetValue(tenant)!, parse.GetValue(processor)!);
                var outcome = await output.WithProgress($"replay {p}", progress => ops.Replay(p, t, parse.GetValue(from), progress, ct));
                Console.WriteLine($"{p} for {t}: checkpoint {outcome.From} -> {outcome.To}{(outcome.StillPaused ? " (still paused)" : "")}");
                return 0;
            });
    }

    private static System.CommandLine.Command Lag(Common common)
    {
        var tenant = Tenant(false);
        return With(common, "lag", "Show each processor's lag per tenant (head minus checkpoint), pauses and leases.", [tenant], async (parse, ops, output, ct) =>
        {
            var lags = await ops.Lag(parse.GetValue(tenant), ct);
            output.Rows(["processor", "tenant", "head", "checkpoint", "lag", "paused", "lease"],
                lags.Select(l => new[] { l.Processor, l.Tenant, Text(l.Head), Text(l.Checkpoint), Text(l.Lag), l.Paused ? "yes" : "no", l.LeaseOwner ?? "-" }));
            return 0;
        });
    }

    private static System.CommandLine.Command Rebuild(Common common)
    {
        var tenant = Tenant(true);
        var model = new Option<string>("--model") { Description = "The read model.", Required = true };
        var scope = new Option<string>("--scope") { Description = "The instance's scope (default: the whole model).", DefaultValueFactory = _ => "" };
        var command = With(common, "rebuild", "Fold a read model's instance again from the start of the log (the embedded store's cache, in --data).",
            [tenant, model, scope], async (parse, ops, output, ct) =>
        {
            var (t, m) = (parse.GetValue(tenant)!, parse.GetValue(model)!);
            var position = await output.WithProgress($"rebuild {m}", async progress =>
            {
                var at = await ops.RebuildReadModel(t, m, parse.GetValue(scope) ?? "", ct);
                progress.Report(new OperationProgress($"rebuild {m} for {t}", at, at));
                return at;
            });
            Console.WriteLine($"{m} for {t}: rebuilt to position {position}");
            return 0;
        });
        // On PostgreSQL each serve node caches the read models itself: a fold in this process would reach none of them.
        command.Validators.Add(result =>
        {
            if (result.GetValue(common.Postgres) is not null)
                result.AddError("--postgres: on PostgreSQL each serve node caches its read models itself, out of this command's reach: " +
                                "rebuild on each node with POST /admin/api/read-models/{model}/rebuild?tenant=T.");
        });
        return command;
    }

    private static System.CommandLine.Command ForgetSubject(Common common)
    {
        var tenant = Tenant(true);
        var subject = new Option<string>("--subject") { Description = "The subject to forget (for the sample, a customer id).", Required = true };
        var reason = new Option<string>("--reason")
        {
            Description = "Why (kept in the SubjectForgotten audit event).", DefaultValueFactory = _ => "forgotten by an operator (ops forget-subject)",
        };
        return With(common, "forget-subject",
            "Forget a subject (crypto-shredding): delete its key, so its personal data reads as null everywhere. A subject with no key (unknown, or forgotten already) is refused and nothing changes.",
            [tenant, subject, reason], async (parse, ops, output, ct) =>
            {
                var (t, s) = (parse.GetValue(tenant)!, parse.GetValue(subject)!);
                var audit = await ops.ForgetSubject(t, s, parse.GetValue(reason)!, ct);
                Console.WriteLine($"{t} {s}: forgotten (audit event at position {Text(audit.Position)})");
                return 0;
            });
    }

    private static System.CommandLine.Command RetentionRun(Common common)
    {
        var tenant = Tenant(false);
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what the retention policies would purge now; change nothing." };
        return With(common, "retention", "Purge what the retention policies expire now (every tenant unless --tenant), or show it with --dry-run.",
            [tenant, dryRun], async (parse, ops, output, ct) =>
            {
                if (ops.RetentionPolicies.Count == 0)
                {
                    Console.WriteLine("retention: no retention policies are declared; nothing to do.");
                    return 0;
                }
                var dry = parse.GetValue(dryRun);
                var rows = dry
                    ? await ops.PreviewRetention(parse.GetValue(tenant), ct)
                    : await output.WithProgress("retention", progress => ops.ApplyRetention(parse.GetValue(tenant), progress, ct));
                output.Rows(["tenant", "event type", "events", "positions", "oldest"], rows.Select(r => new[]
                {
                    r.Tenant, r.EventType, Text(r.Events), $"{Text(r.FirstPosition)}-{Text(r.LastPosition)}", r.Oldest.ToString("u", CultureInfo.InvariantCulture),
                }));
                var policies = string.Join(", ", ops.RetentionPolicies.Select(p => $"{p.EventType} older than {p.MaxAge.TotalDays:0.##} days"));
                Console.WriteLine($"retention ({policies}): {rows.Sum(r => r.Events)} event(s) {(dry ? "would be purged (dry run: nothing changed)" : "purged")}");
                return 0;
            });
    }

    private static System.CommandLine.Command Verify(Common common) =>
        With(common, "verify", "Check the store logically: gapless positions up to the head, ids, checkpoints and dead letters.", [],
            async (parse, ops, output, ct) =>
            {
                var result = await output.WithProgress("verify", progress => ops.Verify(progress, ct));
                foreach (var problem in result.Problems) Console.Error.WriteLine(problem);
                Console.WriteLine($"verify: {result}");
                return result.Sound ? 0 : 1;
            });

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
