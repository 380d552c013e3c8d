namespace Hybrid.Shell.Middleware;

/// <summary>
/// Rejects invalid events before they reach the store: the store's own input checks (tenant, ids, types, bodies,
/// tags, streams, sizes), then a body check per event type. Errors name the tenant, the event and the field.
/// </summary>
public sealed class EventValidationMiddleware : IAppendMiddleware
{
    private readonly InputLimits _limits;
    private readonly IReadOnlyDictionary<string, Func<string, string?>> _bodyChecks;

    /// <summary>
    /// Validation with input limits and body checks by event type: a check returns null when the body is valid,
    /// else the reason.
    /// </summary>
    public EventValidationMiddleware(IReadOnlyDictionary<string, Func<string, string?>>? bodyChecks = null, InputLimits? limits = null)
    {
        _limits = limits ?? InputLimits.Default;
        _bodyChecks = bodyChecks ?? new Dictionary<string, Func<string, string?>>();
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(AppendRequest request, AppendNext next, CancellationToken ct)
    {
        AppendModule.validateOrThrow(_limits, request);
        for (var i = 0; i < request.Events.Length; i++)
        {
            var data = request.Events[i].Data;
            if (_bodyChecks.TryGetValue(data.Type, out var check) && check(data.Body) is { } reason)
            {
                var field = $"events[{i}].Body";
                throw new InvalidInputException(field, $"Tenant '{request.Tenant}': {field}: a '{data.Type}' event is invalid: {reason}");
            }
        }
        return next(request, ct);
    }
}
