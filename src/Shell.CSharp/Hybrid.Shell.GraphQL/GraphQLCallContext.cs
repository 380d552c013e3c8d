using Hybrid.Shell.Http;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// What the resolvers of one GraphQL request share: the HTTP request and its caller, resolved once (before the body is
/// read, to refuse an unauthenticated caller; a caller without a tenant may still introspect), by the same resolver the HTTP adapter uses, and as it does: a resolver that throws
/// denies the request (logged), it does not fail it.
/// </summary>
internal sealed class GraphQLCallContext(HttpContext http, ICallerResolver callers)
{
    /// <summary>The key of the context in the execution's user context.</summary>
    public const string Key = "hybrid";

    private Task<CallerResult>? _caller;
    private int _calls;

    /// <summary>Counts a command or query about to run; false once the document has run <see cref="GraphQLLimits.MaxCalls"/>.</summary>
    public bool TakeCall() => Interlocked.Increment(ref _calls) <= GraphQLLimits.MaxCalls;

    public HttpContext Http => http;

    /// <summary>The request's caller, or why none could be resolved.</summary>
    public Task<CallerResult> Caller() => _caller ??= CallerResolution.ResolveAsync(callers, http).AsTask();
}
