using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// Cross-site request forgery defence of every admin POST (the page's forms and the JSON endpoints alike). A POST passes
/// when it carries a valid ASP.NET Core antiforgery token (the page's forms hold one in a hidden field, bound to the
/// antiforgery cookie set with the page), or the <see cref="HybridAdminEndpoints.RequestHeader"/> header (scripts and
/// API clients): a page of another site can submit a form but cannot add a custom header without a CORS preflight,
/// which the admin endpoints never approve. Anything else is refused with 400 before the operation runs.
/// </summary>
internal static class AdminForgeryCheck
{
    public static async Task<bool> Passes(HttpContext http, IAntiforgery antiforgery)
    {
        if (http.Request.Headers.ContainsKey(HybridAdminEndpoints.RequestHeader)) return true;
        try { return await antiforgery.IsRequestValidAsync(http); }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException) { return false; }
    }

    /// <summary>The hidden form field carrying the token, for the page's forms (empty when the caller cannot act).</summary>
    public static string FormField(AntiforgeryTokenSet? tokens) =>
        tokens?.RequestToken is { } token
            ? $"<input type=\"hidden\" name=\"{AdminHtml.Attr(tokens.FormFieldName)}\" value=\"{AdminHtml.Attr(token)}\">"
            : "";

    /// <summary>400: the POST carried neither a valid antiforgery token nor the admin request header; nothing was done.</summary>
    public static IResult Refused() => Problems.Result(Problems.Of(StatusCodes.Status400BadRequest, "request-forgery", "The request may be forged.",
        $"An admin POST needs the page's antiforgery token (form field or header) or the {HybridAdminEndpoints.RequestHeader} header; nothing was changed."),
        StatusCodes.Status400BadRequest);
}
