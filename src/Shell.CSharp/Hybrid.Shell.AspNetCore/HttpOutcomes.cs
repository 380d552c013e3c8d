using Microsoft.AspNetCore.Http;
using Hybrid.Shell.Commands;

namespace Hybrid.Shell.Http;

/// <summary>How command and query outcomes map to HTTP statuses and JSON bodies.</summary>
public static class HttpOutcomes
{
    /// <summary>
    /// Accepted 200, rejected 422, conflict 409, expected version out of date 412, unauthorized 403, invalid 400,
    /// unknown command or missing target 404, aggregate being migrated 503.
    /// </summary>
    public static int StatusOf(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Accepted => StatusCodes.Status200OK,
        CommandOutcome.Rejected => StatusCodes.Status422UnprocessableEntity,
        CommandOutcome.Conflict => StatusCodes.Status409Conflict,
        CommandOutcome.VersionMismatch => StatusCodes.Status412PreconditionFailed,
        CommandOutcome.Unauthorized => StatusCodes.Status403Forbidden,
        CommandOutcome.Invalid => StatusCodes.Status400BadRequest,
        CommandOutcome.UnknownCommand => StatusCodes.Status404NotFound,
        CommandOutcome.NotFound => StatusCodes.Status404NotFound,
        CommandOutcome.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Answered 200, unauthorized 403, invalid 400, unknown query or missing answer 404.</summary>
    public static int StatusOf(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Answered => StatusCodes.Status200OK,
        QueryOutcome.Unauthorized => StatusCodes.Status403Forbidden,
        QueryOutcome.Invalid => StatusCodes.Status400BadRequest,
        QueryOutcome.NotFound => StatusCodes.Status404NotFound,
        QueryOutcome.UnknownQuery => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The JSON body of a command outcome (views are added by read-your-writes).</summary>
    public static Dictionary<string, object?> BodyOf(CommandOutcome outcome) => OutcomeBodies.Of(outcome);

    /// <summary>The JSON body of a query outcome.</summary>
    public static Dictionary<string, object?> BodyOf(QueryOutcome outcome) => OutcomeBodies.Of(outcome);

    /// <summary>An invalid-input body naming the field.</summary>
    public static Dictionary<string, object?> Invalid(Validation.Error error) => OutcomeBodies.Invalid(error);
}
