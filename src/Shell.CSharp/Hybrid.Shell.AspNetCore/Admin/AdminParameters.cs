using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// The admin endpoints' numbers and flags, read from the query or route here rather than bound by ASP.NET Core, whose
/// failed binding answers a bare 400: a bad value gets a problem document naming the parameter and what it must be.
/// </summary>
internal static class AdminParameters
{
    /// <summary>A log position (0 or more) given as text (a route value or a query parameter); empty when absent.</summary>
    public static bool TryPosition(string name, string? text, bool required, out long value, [NotNullWhen(false)] out IResult? problem)
    {
        value = 0;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            if (!required) return true;
            problem = Invalid(name, $"'{name}' is required: give a position, a whole number 0 or more.");
            return false;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        problem = Invalid(name, $"'{Shown(text)}' is not a position: give '{name}' as a whole number 0 or more.");
        return false;
    }

    /// <summary>The tenant a query names; its format is checked where it is used.</summary>
    public static bool TryTenant([NotNullWhen(true)] string? tenant, [NotNullWhen(false)] out IResult? problem)
    {
        problem = string.IsNullOrEmpty(tenant) ? Invalid("tenant", "'tenant' is required: give the tenant's id as the query parameter 'tenant'.") : null;
        return problem is null;
    }

    /// <summary>A flag: true or false (any case); absent is false.</summary>
    public static bool TryFlag(string name, string? text, out bool value, [NotNullWhen(false)] out IResult? problem)
    {
        value = false;
        problem = null;
        if (string.IsNullOrEmpty(text) || bool.TryParse(text, out value)) return true;
        problem = Invalid(name, $"'{Shown(text)}' is not a flag: give '{name}' as true or false.");
        return false;
    }

    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static IResult Invalid(string name, string message) =>
        Problems.Result(Problems.Invalid(new Validation.Error(name, message)), StatusCodes.Status400BadRequest);
}
