// The read models the benchmarks fold: a small monolithic count per group, and a segmented model of entities.
using Hybrid.Shell.Ids;
using Hybrid.Bench.Workload;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Bench.ReadModels;

/// <summary>Read-model definitions over the benchmark events.</summary>
public static class BenchModels
{
    /// <summary>The monolithic model's name.</summary>
    public const string Counts = "bench-counts";

    /// <summary>The segmented model's name.</summary>
    public const string Entities = "bench-entities";

    /// <summary>The event type the segmented model folds; its one tag is <c>entity:KEY</c>.</summary>
    public const string EntityTouched = "EntityTouched";

    /// <summary>
    /// Events per group tag (<c>group:…</c>), one piece: a small state (a few groups) like a dashboard counter.
    /// </summary>
    public static ReadModelDefinition CountsModel() =>
        ReadModel.ofRecorded(Counts, 1, ListModule.OfSeq([BenchEvents.Type]), MapModule.Empty<string, long>(),
            FuncConvert.FromFunc<FSharpMap<string, long>, RecordedEvent, FSharpMap<string, long>>(CountGroup));

    /// <summary>Entities keyed by their <c>entity:</c> tag, each counting its events, spread over segments.</summary>
    public static ReadModelDefinition EntitiesModel(int segments) =>
        ReadModel.segmented(Entities, 1, ListModule.OfSeq([EntityTouched]), segments,
            FuncConvert.FromFunc<RecordedEvent, FSharpOption<string>>(EntityKey),
            FuncConvert.FromFunc<string, string>(key => key),
            0L,
            FuncConvert.FromFunc<long, string, long>((count, _) => count + 1));

    /// <summary>An event touching one entity of the segmented model.</summary>
    public static ProposedEvent Touch(long entity, long n) =>
        new(UuidV7IdSource.System.NewId(), new EventData(EntityTouched, [$"entity:{entity}"], null!, $$"""{"n":{{n}}}""", 1), BenchEvents.Metadata);

    private static FSharpMap<string, long> CountGroup(FSharpMap<string, long> counts, RecordedEvent e)
    {
        foreach (var tag in e.Tags)
        {
            if (!tag.StartsWith("group:", StringComparison.Ordinal)) continue;
            var n = counts.TryFind(tag) is { } found ? found.Value : 0L;
            return counts.Add(tag, n + 1);
        }
        return counts;
    }

    private static FSharpOption<string> EntityKey(RecordedEvent e)
    {
        foreach (var tag in e.Tags)
            if (tag.StartsWith("entity:", StringComparison.Ordinal)) return FSharpOption<string>.Some(tag[7..]);
        return FSharpOption<string>.None;
    }
}
