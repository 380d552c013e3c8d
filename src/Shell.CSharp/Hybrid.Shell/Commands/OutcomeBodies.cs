using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Commands;

/// <summary>
/// Command and query outcomes as JSON-ready bodies (<c>{"outcome": "accepted" | "rejected" | …, …}</c>): one shape for
/// every transport (HTTP bodies, broker replies, GraphQL error extensions).
/// </summary>
public static class OutcomeBodies
{
    /// <summary>The JSON body of a command outcome (views are added by read-your-writes).</summary>
    public static Dictionary<string, object?> Of(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Accepted a => new()
        {
            ["outcome"] = "accepted",
            ["events"] = a.Item.Events.Select(e => new { id = e.Id, position = e.Position, stream = e.Stream, streamVersion = e.StreamVersion, type = e.Type }).ToArray(),
            ["position"] = a.Item.Position,
            ["result"] = ValueOf(a.Item.Result),
            ["triggerFailures"] = a.Item.TriggerFailures.Select(f => new { trigger = f.Trigger, error = f.Error }).ToArray(),
        },
        CommandOutcome.Rejected r => new()
        {
            ["outcome"] = "rejected", ["code"] = r.Item.Code, ["reason"] = r.Item.Reason,
            ["details"] = r.Item.Details.ToDictionary(kv => kv.Key, kv => kv.Value),
        },
        CommandOutcome.Conflict c => new() { ["outcome"] = "conflict", ["reason"] = c.reason, ["attempts"] = c.attempts },
        CommandOutcome.VersionMismatch v => new()
        {
            ["outcome"] = "version-mismatch", ["reason"] = v.Item.Reason, ["stream"] = v.Item.Stream, ["actualVersion"] = v.Item.ActualVersion,
        },
        CommandOutcome.Unauthorized u => new() { ["outcome"] = "unauthorized", ["reason"] = u.reason },
        CommandOutcome.Invalid i => InvalidOutcome(i.Item),
        CommandOutcome.UnknownCommand n => new() { ["outcome"] = "unknown-command", ["reason"] = $"There is no command named '{n.name}'." },
        CommandOutcome.NotFound n => new() { ["outcome"] = "not-found", ["reason"] = n.what },
        CommandOutcome.Unavailable u => new() { ["outcome"] = "unavailable", ["reason"] = u.reason, ["retryAfterSeconds"] = u.retryAfter.TotalSeconds },
        _ => new() { ["outcome"] = "unknown" },
    };

    /// <summary>The JSON body of a query outcome.</summary>
    public static Dictionary<string, object?> Of(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Answered a => new() { ["outcome"] = "answered", ["value"] = a.value, ["position"] = a.position },
        QueryOutcome.Unauthorized u => new() { ["outcome"] = "unauthorized", ["reason"] = u.reason },
        QueryOutcome.Invalid i => InvalidOutcome(i.Item),
        QueryOutcome.NotFound n => new() { ["outcome"] = "not-found", ["reason"] = n.what },
        QueryOutcome.UnknownQuery n => new() { ["outcome"] = "unknown-query", ["reason"] = $"There is no query named '{n.name}'." },
        _ => new() { ["outcome"] = "unknown" },
    };

    /// <summary>An invalid-input body naming the field.</summary>
    public static Dictionary<string, object?> Invalid(Validation.Error error) =>
        new() { ["outcome"] = "invalid", ["field"] = error.Field, ["reason"] = error.Message };

    /// <summary>
    /// The body of an invalid outcome: its field (a payload path, or what the core or a store named in .NET terms) as the
    /// request's JSON names it, as the HTTP adapter answers it: <c>events[0].type</c>, not <c>events[0].Type</c>.
    /// </summary>
    private static Dictionary<string, object?> InvalidOutcome(Validation.Error error) => Invalid(PayloadErrors.inJsonTerms(error));

    private static object? ValueOf(FSharpOption<object>? value) => FSharpOption<object>.get_IsSome(value) ? value!.Value : null;
}
