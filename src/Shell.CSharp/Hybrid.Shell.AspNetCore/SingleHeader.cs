using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// A header that carries one value (a tenant, an actor, a correlation id, a command id). Sent twice, or with values
/// joined by commas (which HTTP treats as the same thing), it is refused: the adapter never picks one of several.
/// </summary>
public static class SingleHeader
{
    /// <summary>
    /// The header's value (empty when absent), or the error naming the header when it is given more than once or its
    /// value is a comma-separated list.
    /// </summary>
    public static (string Value, Validation.Error? Error) Read(IHeaderDictionary headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var values = headers[name];
        if (values.Count > 1)
            return ("", new Validation.Error(name, $"The {name} header is given {values.Count} times: give it once, with one value."));
        var value = values.ToString();
        if (value.Contains(',', StringComparison.Ordinal))
            return ("", new Validation.Error(name,
                $"The {name} header '{CommandRequest.Shown(value)}' is a comma-separated list: give it once, with one value."));
        return (value, null);
    }
}
