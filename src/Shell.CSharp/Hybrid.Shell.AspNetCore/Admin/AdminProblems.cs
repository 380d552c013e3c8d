using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// The admin surface's problem documents, in the words of the rest of the HTTP surface: a caller without the role is a
/// 403 <c>unauthorized</c>, as for a command it may not run (saying nothing of the surface); an operator's refusal
/// names its kind in lower-case hyphenated words (<c>unknown-dead-letter</c>, <c>not-pending</c>, <c>busy</c>, …; bad
/// input <c>invalid</c>), as <c>not-found</c> and <c>version-mismatch</c> are written.
/// </summary>
internal static class AdminProblems
{
    /// <summary>403: the caller's access is below what the endpoint needs.</summary>
    public static IResult Forbidden(AdminAccess access) => Problems.Result(Problems.Unauthorized(access == AdminAccess.View
            ? "The caller may read the admin surface but not act on it."
            : "The caller may not use the admin surface."),
        StatusCodes.Status403Forbidden);

    /// <summary>400, 404 or 409: the operation refused before anything changed.</summary>
    public static IResult Refused(OperationRefusedException refused)
    {
        var status = refused.Refusal switch
        {
            OperationRefusal.InvalidInput => StatusCodes.Status400BadRequest,
            OperationRefusal.NotPending or OperationRefusal.Busy or OperationRefusal.ShreddingOff => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status404NotFound,
        };
        return Problems.Result(Problems.Of(status, OutcomeOf(refused.Refusal), "The operation was refused.", refused.Message), status);
    }

    /// <summary>409: a dead letter retried failed again (it stays pending).</summary>
    public static IResult ReplayFailed(ReplayFailedException failed) =>
        Problems.Result(Problems.Of(StatusCodes.Status409Conflict, "replay-failed", "The replay failed again.", failed.Message),
            StatusCodes.Status409Conflict);

    /// <summary>The outcome token of a refusal.</summary>
    public static string OutcomeOf(OperationRefusal refusal) => refusal switch
    {
        OperationRefusal.InvalidInput => "invalid",
        OperationRefusal.UnknownTenant => "unknown-tenant",
        OperationRefusal.UnknownProcessor => "unknown-processor",
        OperationRefusal.UnknownReadModel => "unknown-read-model",
        OperationRefusal.UnknownDeadLetter => "unknown-dead-letter",
        OperationRefusal.NotPending => "not-pending",
        OperationRefusal.Busy => "busy",
        OperationRefusal.UnknownSubject => "unknown-subject",
        OperationRefusal.ShreddingOff => "shredding-off",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "An operation refusal without an outcome token."),
    };
}
