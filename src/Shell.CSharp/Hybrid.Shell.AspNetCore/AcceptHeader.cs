using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hybrid.Shell.Http;

/// <summary>
/// Content negotiation of the Hybrid endpoints, which answer JSON only (commands, queries, introspection, the admin
/// JSON API): a request whose <c>Accept</c> admits none of the media types an endpoint answers with
/// (<c>Accept: text/html</c>, or <c>application/json;q=0</c>) is refused 406
/// before anything runs, with a problem document naming <c>Accept</c> (sent whatever the Accept, as RFC 9110 allows).
/// No Accept, an empty one, or one that does not parse admits everything.
/// </summary>
internal static class AcceptHeader
{
    /// <summary>The media type of the endpoints' answers.</summary>
    public const string Json = "application/json";

    /// <summary>
    /// What a JSON endpoint answers with: JSON, and problem documents when it refuses. A client naming
    /// <c>application/problem+json</c> is served too, unless it refuses <c>application/json</c> by name (a wildcard
    /// admits problem documents only as it admits JSON).
    /// </summary>
    public static readonly string[] JsonAnswers = [Json, Problems.ContentType];

    /// <summary>
    /// Whether the request's Accept admits one of <paramref name="produced"/> (type/subtype, lower case): the most
    /// specific range matching it (the type itself, then <c>type/*</c>, then <c>*/*</c>) has a quality above 0
    /// (problem documents beside JSON: see <see cref="JsonAnswers"/>).
    /// </summary>
    public static bool Admits(HttpRequest request, params string[] produced)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(produced);
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || accept.All(string.IsNullOrWhiteSpace)) return true;
        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0) return true;
        return produced.Any(type => type == Problems.ContentType && produced.Contains(Json)
            ? Quality(ranges, type, named: true) > 0 && Quality(ranges, Json, named: true) != 0
            : Quality(ranges, type) > 0);
    }

    /// <summary>The 406 problem document when the request's Accept admits none of <paramref name="produced"/>; else null.</summary>
    public static Dictionary<string, object?>? Problem(HttpRequest request, params string[] produced)
    {
        if (Admits(request, produced)) return null;
        var problem = Problems.Of(StatusCodes.Status406NotAcceptable, "not-acceptable", "The response cannot be sent in a media type the request accepts.",
            $"Accept '{CommandRequest.Shown(request.Headers.Accept.ToString())}' admits none of what {CommandRequest.Shown(request.Path.Value ?? "")} answers with: " +
            $"accept {string.Join(" or ", produced.Select(p => $"'{p}'"))}.");
        problem["field"] = "Accept";
        return problem;
    }

    /// <summary>The 406 response when the request's Accept admits none of <paramref name="produced"/>; else null.</summary>
    public static IResult? Refusal(HttpRequest request, params string[] produced) =>
        Problem(request, produced) is { } problem ? Problems.Result(problem, StatusCodes.Status406NotAcceptable) : null;

    /// <summary>
    /// The quality the most specific range matching <paramref name="produced"/> gives it (0 when none matches); with
    /// <paramref name="named"/>, only a range naming the type itself counts (-1 when none does).
    /// </summary>
    private static double Quality(IList<MediaTypeHeaderValue> ranges, string produced, bool named = false)
    {
        var slash = produced.IndexOf('/', StringComparison.Ordinal);
        var (type, subtype) = (produced[..slash], produced[(slash + 1)..]);
        var best = -1;
        var quality = 0.0;
        foreach (var range in ranges)
        {
            var rangeType = range.Type.Value ?? "";
            var rangeSubtype = range.SubType.Value ?? "";
            var specificity = rangeType == "*" && rangeSubtype == "*" ? 0
                : rangeType.Equals(type, StringComparison.OrdinalIgnoreCase) && rangeSubtype == "*" ? 1
                : rangeType.Equals(type, StringComparison.OrdinalIgnoreCase) && rangeSubtype.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 2
                : -1;
            if (specificity > best && (!named || specificity == 2))
            {
                best = specificity;
                quality = range.Quality ?? 1.0;
            }
        }
        return named && best < 2 ? -1 : quality;
    }
}
