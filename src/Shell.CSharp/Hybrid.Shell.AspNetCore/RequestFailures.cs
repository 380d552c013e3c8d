using System.Diagnostics;
using System.Globalization;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Shell.Http;

/// <summary>
/// What an endpoint answers when handling a request throws: 400 for input a store refused, 503 with Retry-After for a
/// store that is unavailable or timed out (<see cref="StoreFailures"/>) or personal data the master key cannot open
/// (<see cref="SubjectKeyUnopenableException"/>, the tenant named), and 500 for anything else, a defect: logged
/// with a trace id, which is all the body shows. Every Hybrid endpoint answers through it (commands, queries,
/// introspection, the admin surface), so one failure gets one answer wherever it happens.
/// </summary>
internal static class RequestFailures
{
    public static Task<IResult> Guard(HttpContext http, HybridHttpOptions options, Func<Task<IResult>> handle) =>
        Guard(http, options.UnavailableRetryAfter, handle);

    /// <summary>Runs <paramref name="handle"/>; a store that is unavailable is answered 503 with <paramref name="retryAfter"/>.</summary>
    public static async Task<IResult> Guard(HttpContext http, TimeSpan retryAfter, Func<Task<IResult>> handle)
    {
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the client went away: nobody reads an answer
        }
        catch (InvalidInputException invalid)
        {
            var error = new Validation.Error("body", $"The request leads to input the store refuses: {invalid.Message}");
            return Problems.Result(Problems.Invalid(error), StatusCodes.Status400BadRequest);
        }
        catch (Exception e) when (SubjectKeyUnopenableException.In(e) is { } unopenable)
        {
            // The master key is not the one the keys were stored with: an operator's to fix, not a defect of the request.
            Logger(http).LogError("{Method} {Path}: {Error}", http.Request.Method, http.Request.Path, unopenable.Message);
            return Unavailable(http, retryAfter, Problems.Unavailable(unopenable.CallerMessage, retryAfter));
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            Logger(http).LogWarning("{Method} {Path}: the store is unavailable: {Error}", http.Request.Method, http.Request.Path, e.Message);
            return Unavailable(http, retryAfter, Problems.StoreUnavailable(retryAfter));
        }
        catch (Exception e)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
            Logger(http).LogError(e, "{Method} {Path} failed (trace id {TraceId}).", http.Request.Method, http.Request.Path, traceId);
            return Problems.Result(Problems.Defect(traceId), StatusCodes.Status500InternalServerError);
        }
    }

    private static IResult Unavailable(HttpContext http, TimeSpan retryAfter, Dictionary<string, object?> problem)
    {
        http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problems.Result(problem, StatusCodes.Status503ServiceUnavailable);
    }

    internal static ILogger Logger(HttpContext http) =>
        http.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("Hybrid.Http") ?? NullLogger.Instance;
}
