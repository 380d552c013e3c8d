using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Commands;

/// <summary>
/// What a transport answers when running a command or query out of a request throws (a broker's handler, GraphQL): input
/// the store refused (<see cref="InvalidInputException"/>, e.g. an unknown tenant) is the caller's mistake, a store that
/// cannot be reached (<see cref="StoreFailures"/>) or personal data the master key cannot open
/// (<see cref="SubjectKeyUnopenableException"/>) is unavailable; each is an outcome, never a failure to retry and
/// dead-letter. Anything else is a defect.
/// </summary>
public static class CommandFailures
{
    /// <summary>
    /// The outcome the exception stands for: <c>Invalid</c> naming the field the store refused, <c>Unavailable</c> with
    /// <paramref name="retryAfter"/> naming the tenant, or null for a defect.
    /// </summary>
    public static CommandOutcome? OutcomeOf(Exception exception, string tenant, TimeSpan retryAfter)
    {
        if (exception is InvalidInputException invalid)
            return CommandOutcome.NewInvalid(new Validation.Error(invalid.Field, invalid.Message));
        if (SubjectKeyUnopenableException.In(exception) is { } unopenable)
            return CommandOutcome.NewUnavailable(unopenable.CallerMessage, retryAfter); // a configuration for an operator to fix
        if (StoreFailures.IsUnavailable(exception))
            // The driver's message (hosts, ports, server text) is for the logs, not for callers.
            return CommandOutcome.NewUnavailable($"Tenant '{tenant}': the store cannot be reached; send the request again (a command with its command id is applied once).", retryAfter);
        return null;
    }
}
