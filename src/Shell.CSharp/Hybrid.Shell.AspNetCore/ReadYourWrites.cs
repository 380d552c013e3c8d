using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Http;

/// <summary>
/// Read-your-writes: after an accepted command, waits (at most the request's <c>waitMs</c>) until each view has folded
/// the command's events, and adds the views' fresh state to the answer. The views are the request's <c>views=</c>, or
/// else the ones the command's definition names for its payload.
/// </summary>
internal static class ReadYourWrites
{
    /// <summary>The views the command names for its payload (none when it names none or the payload does not parse).</summary>
    public static ViewRef[] ViewsOf(CommandDefinition definition, string json) =>
        definition.Parse.Invoke(json) is { IsOk: true } parsed ? [.. definition.ViewsFor(parsed.ResultValue)] : [];

    /// <summary>
    /// Why the caller may not have one of the <paramref name="named"/> views answered (the core's
    /// <see cref="ViewAccess"/>: the command names it for this payload, or its model admits the caller), or null when it
    /// may have them all, or when the payload does not parse (the command then answers invalid, with no views). Of a
    /// model the registry does not define, only the command's own views are answered.
    /// </summary>
    public static string? Refusal(Caller caller, CommandDefinition definition, string json, ViewRef[] named, Registry registry)
    {
        if (definition.Parse.Invoke(json) is not { IsOk: true } parsed) return null;
        var own = definition.ViewsFor(parsed.ResultValue);
        var models = Runtime.readModels(registry);
        foreach (var view in named)
        {
            var model = models.FirstOrDefault(m => string.Equals(m.Name, view.Model, StringComparison.Ordinal));
            if (ViewAccess.check(caller, own, model is null ? null : FSharpOption<ReadModelDefinition>.Some(model), view) is Authorization.Denied denied)
                return denied.reason;
        }
        return null;
    }

    /// <summary>
    /// Adds <c>views</c> (by <c>model</c> or <c>model:scope</c>), <c>viewsTimedOut</c> and <c>viewsFailed</c> to the
    /// answer. The command is committed whatever happens here: a view that fails to read (its reducer throws, the store
    /// fails) is logged and listed in <c>viewsFailed</c>, and the other views are still answered.
    /// </summary>
    public static async Task AddViews(Dictionary<string, object?> body, IReadModelViews views, string tenant, long position,
        ViewRef[] wanted, TimeSpan wait, ILogger logger, CancellationToken ct)
    {
        var fresh = new Dictionary<string, object?>(StringComparer.Ordinal);
        var failed = new List<string>();
        var timedOut = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        foreach (var view in wanted)
        {
            var name = view.Scope.Length == 0 ? view.Model : $"{view.Model}:{view.Scope}";
            try
            {
                var read = await views.ReadAtLeast(tenant, view.Model, view.Scope, position, timeout.Token).ConfigureAwait(false);
                fresh[name] = read.State;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                timedOut = true;
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Tenant '{Tenant}': the view '{View}' of an accepted command could not be read.", tenant, name);
                failed.Add(name);
            }
        }
        body["views"] = fresh;
        body["viewsTimedOut"] = timedOut;
        body["viewsFailed"] = failed;
    }
}
