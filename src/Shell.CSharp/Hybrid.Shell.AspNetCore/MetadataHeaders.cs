using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// The <c>X-Metadata-{name}</c> headers of a command request: user-defined metadata fields, named in lower case. Each
/// is checked before the command runs by the core's metadata rule (the one the store applies to the events they go
/// into), its error naming the header as sent; a header with no name after the prefix, or given twice, is refused.
/// </summary>
internal static class MetadataHeaders
{
    /// <summary>The fields, or the error naming the first header at fault.</summary>
    public static (Dictionary<string, string> Fields, Validation.Error? Error) Read(IHeaderDictionary headers)
    {
        var prefix = HybridEndpoints.MetadataHeaderPrefix;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var shown = CommandRequest.Shown(header);
            if (header.Length == prefix.Length)
                return (fields, new Validation.Error(shown, $"The header '{shown}' names no metadata field: put the field's name after the prefix, as in '{prefix}client'."));
            if (values.Count > 1)
                return (fields, new Validation.Error(shown, $"The header '{shown}' is given {values.Count} times: give it once."));
            var name = header[prefix.Length..].ToLowerInvariant();
            var value = values.ToString();
            var one = EventMetadata.Empty.WithFields([KeyValuePair.Create(name, value)]);
            if (Validation.metadata("metadata", one) is { IsError: true } bad)
                return (fields, new Validation.Error(shown, $"The header '{shown}': {bad.ErrorValue.Message}"));
            fields[name] = value;
        }
        var all = EventMetadata.Empty.WithFields(fields);
        if (Validation.metadata("metadata", all) is { IsError: true } tooMany)
            return (fields, new Validation.Error($"{prefix}*", tooMany.ErrorValue.Message));
        return (fields, null);
    }
}
