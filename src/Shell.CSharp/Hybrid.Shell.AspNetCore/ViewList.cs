using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Http;

/// <summary>The <c>?views=model:scope,…</c> list of read-your-writes: read models the server knows, scopes checked by the core.</summary>
internal static class ViewList
{
    /// <summary>The views, or an error naming <c>views</c>.</summary>
    public static FSharpResult<ViewRef[], Validation.Error> Parse(string text, IReadModelViews views, int max)
    {
        var entries = text.Split(',', StringSplitOptions.TrimEntries);
        if (text.Length == 0 || entries.Any(e => e.Length == 0))
            return Fail("'views' lists read-model views as model or model:scope, separated by commas, none empty.");
        if (entries.Length > max) return Fail($"'views' lists {entries.Length} views; at most {max} are allowed.");
        var refs = new List<ViewRef>();
        foreach (var entry in entries)
        {
            var parts = entry.Split(':', 2);
            var (model, scope) = (parts[0], parts.Length == 2 ? parts[1] : "");
            if (!views.Knows(model)) return Fail($"'{CommandRequest.Shown(model)}' is not a read model of this server.");
            if (Validation.text("views", 200, scope) is { IsError: true } bad) return FSharpResult<ViewRef[], Validation.Error>.NewError(bad.ErrorValue);
            refs.Add(ViewRef.Of(model, scope));
        }
        return FSharpResult<ViewRef[], Validation.Error>.NewOk([.. refs]);
    }

    private static FSharpResult<ViewRef[], Validation.Error> Fail(string reason) =>
        FSharpResult<ViewRef[], Validation.Error>.NewError(new Validation.Error("views", reason));
}
