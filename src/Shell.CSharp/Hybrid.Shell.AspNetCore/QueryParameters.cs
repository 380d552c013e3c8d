using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>Strictness about query parameters: each endpoint lists the ones it reads, and any other is an error.</summary>
internal static class QueryParameters
{
    /// <summary>The error naming the first parameter not in the list (or given twice), or null.</summary>
    public static Validation.Error? Unknown(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        foreach (var (name, values) in query)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                var accepted = known.Count == 0 ? "this endpoint takes none" : $"it takes {string.Join(", ", known)}";
                return new Validation.Error(CommandRequest.Shown(name), $"'{CommandRequest.Shown(name)}' is not a query parameter of this endpoint: {accepted}.");
            }
            if (values.Count > 1) return new Validation.Error(name, $"'{name}' is given {values.Count} times: give it once.");
        }
        return null;
    }
}
