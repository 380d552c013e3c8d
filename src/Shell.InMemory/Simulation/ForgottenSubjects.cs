using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The crypto-shredding invariant of a simulation: a forgotten subject's personal values never reappear. Every event
/// of the subject written before it was forgotten reads with its personal fields null, and no read model shows a value
/// it held (unless a readable event holds that value again, e.g. a later event of another subject).
/// </summary>
public static class ForgottenSubjects
{
    /// <summary>The invariant's name in reports.</summary>
    public const string Invariant = "forgotten subjects never reappear";

    /// <summary>Values shorter than this are not looked for in read models (too likely to match by chance).</summary>
    private const int ShortestValue = 4;

    /// <summary>The personal values of the subject's events in the log (read in clear), as text.</summary>
    public static string[] ValuesOf(PersonalDataPolicy policy, string subject, IEnumerable<RecordedEvent> log) =>
        log.SelectMany(e => Fields(policy, subject, e).Select(f => f.Value))
            .Where(v => v is not null)
            .Select(v => v!.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
            .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The violations for one tenant: its log read as readers see it, and its read models' states by name.</summary>
    public static List<string> Check(string tenant, PersonalDataPolicy policy, IReadOnlyList<ForgottenSubject> forgotten, RecordedEvent[] log,
        IEnumerable<(string Model, object State)> views)
    {
        var found = new List<string>();
        if (forgotten.Count == 0) return found;
        foreach (var subject in forgotten)
        foreach (var e in log.Where(e => e.Position < subject.AuditPosition))
        foreach (var (field, value) in Fields(policy, subject.Subject, e))
            if (value is not null)
                found.Add($"Tenant '{tenant}': event {e.Position} ({e.Type}) still shows '{field}' = {value.ToJsonString()} of subject '{subject.Subject}', forgotten at position {subject.AuditPosition}.");
        var readable = string.Join("\n", log.Select(e => e.Body));
        var shown = views.Select(v => (v.Model, Text: Serialize(v.State))).ToArray();
        foreach (var subject in forgotten)
        foreach (var value in subject.Values.Where(v => v.Length >= ShortestValue && !readable.Contains(v, StringComparison.Ordinal)))
        foreach (var (model, text) in shown)
            if (text.Contains(value, StringComparison.Ordinal))
                found.Add($"Tenant '{tenant}': read model '{model}' still shows '{value}' of subject '{subject.Subject}', forgotten at position {subject.AuditPosition}.");
        return found;
    }

    private static IEnumerable<(string Field, JsonNode? Value)> Fields(PersonalDataPolicy policy, string subject, RecordedEvent e)
    {
        if (policy.TryFind(e.Type) is not { } declaration || PersonalData.subjectOf(declaration.Value, e.Body)?.Value != subject) yield break;
        if (JsonNode.Parse(e.Body) is not JsonObject body) yield break;
        foreach (var field in declaration.Value.Fields)
            if (body.TryGetPropertyValue(field, out var value)) yield return (field, value);
    }

    private static string Serialize(object state)
    {
        try { return JsonSerializer.Serialize(state, JsonPayload.bodyOptions); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException) { return state.ToString() ?? ""; }
    }
}
