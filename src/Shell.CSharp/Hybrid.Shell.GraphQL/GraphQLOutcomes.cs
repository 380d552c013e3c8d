using GraphQL;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Http;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// Outcomes that are not data, as GraphQL errors with codes: <c>REJECTED</c>, <c>CONFLICT</c>,
/// <c>PRECONDITION_FAILED</c> (expected version out of date), <c>UNAUTHENTICATED</c>, <c>DENIED</c>, <c>INVALID</c> (the field is named),
/// <c>NOT_FOUND</c>, <c>UNAVAILABLE</c> (retry later). The error's extensions carry the same body the HTTP adapter answers with
/// (a rejection's own code as <c>rejectionCode</c>).
/// </summary>
public static class GraphQLOutcomes
{
    /// <summary>The code of a command outcome that is not accepted.</summary>
    public static string CodeOf(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Rejected => "REJECTED",
        CommandOutcome.Conflict => "CONFLICT",
        CommandOutcome.VersionMismatch => "PRECONDITION_FAILED",
        CommandOutcome.Unauthorized => "DENIED",
        CommandOutcome.Invalid => "INVALID",
        CommandOutcome.NotFound or CommandOutcome.UnknownCommand => "NOT_FOUND",
        CommandOutcome.Unavailable => "UNAVAILABLE",
        _ => "INTERNAL",
    };

    /// <summary>The code of a query outcome that is not an answer.</summary>
    public static string CodeOf(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Unauthorized => "DENIED",
        QueryOutcome.Invalid => "INVALID",
        QueryOutcome.NotFound or QueryOutcome.UnknownQuery => "NOT_FOUND",
        _ => "INTERNAL",
    };

    /// <summary>The error of a command outcome that is not accepted.</summary>
    public static ExecutionError ErrorOf(CommandOutcome outcome) => Error(CodeOf(outcome), OutcomeBodies.Of(outcome));

    /// <summary>The error of a query outcome that is not an answer.</summary>
    public static ExecutionError ErrorOf(QueryOutcome outcome) => Error(CodeOf(outcome), OutcomeBodies.Of(outcome));

    /// <summary>
    /// The error of a caller that could not be resolved, as the HTTP adapter answers it: <c>UNAUTHENTICATED</c> (no or
    /// refused credentials: the response is then a 401), <c>DENIED</c> (authenticated, but the credentials grant no
    /// tenant), or <c>INVALID</c> naming the header or claim at fault.
    /// </summary>
    public static ExecutionError Unresolved(CallerResult failed)
    {
        var error = failed.Error ?? new Validation.Error("caller", "The caller could not be resolved.");
        return failed.Status switch
        {
            StatusCodes.Status401Unauthorized =>
                Error("UNAUTHENTICATED", new() { ["outcome"] = "unauthenticated", ["field"] = error.Field, ["reason"] = error.Message }),
            StatusCodes.Status403Forbidden =>
                Error("DENIED", new() { ["outcome"] = "unauthorized", ["field"] = error.Field, ["reason"] = error.Message }),
            _ => Invalid(error),
        };
    }

    /// <summary>An INVALID error naming the field (a bad argument, a caller header at fault).</summary>
    public static ExecutionError Invalid(Validation.Error error) => Error("INVALID", OutcomeBodies.Invalid(error));

    /// <summary>An error with a code, its message the body's reason, its extensions the body.</summary>
    public static ExecutionError Error(string code, Dictionary<string, object?> body)
    {
        var reason = body.TryGetValue("reason", out var r) && r is string text ? text : code;
        var error = new ExecutionError(reason) { Code = code };
        error.Extensions ??= new Dictionary<string, object?>();
        foreach (var (key, value) in body)
            if (key != "reason") error.Extensions[key == "code" ? "rejectionCode" : key] = value; // "code" is GraphQL's
        return error;
    }
}
