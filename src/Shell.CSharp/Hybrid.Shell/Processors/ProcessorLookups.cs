using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Processors;

/// <summary>
/// Runs a processor's lookups for one event and builds its handler's context: events by query (up to the head at the
/// time), read-model views (folded at least up to the event) and registered queries (run as the caller
/// "processor:&lt;name&gt;" of the tenant).
/// </summary>
internal sealed class ProcessorLookups(ProcessorRuntime runtime, string processor)
{
    public async Task<ProcessorContext> ContextFor(string tenant, TodoProcessor definition, RecordedEvent e, CancellationToken ct)
    {
        var lookups = ListModule.ToArray(Microsoft.FSharp.Core.FSharpFunc<ProcessorContext, RecordedEvent>.InvokeFast(
            definition.Lookup, ProcessorContext.Of(tenant, processor), e));
        if (lookups.Length == 0) return ProcessorContext.Of(tenant, processor);
        var events = new Dictionary<string, RecordedEvent[]>(StringComparer.Ordinal);
        var views = new Dictionary<string, ReadModelView>(StringComparer.Ordinal);
        var answers = new Dictionary<string, QueryOutcome>(StringComparer.Ordinal);
        foreach (var lookup in lookups)
        {
            switch (lookup)
            {
                case ProcessorLookup.Events byQuery:
                    events[byQuery.name] = await runtime.Store.Read(tenant, byQuery.query, ct);
                    break;
                case ProcessorLookup.View byView:
                    var viewSource = runtime.Views ?? throw new InvalidOperationException(
                        $"Tenant '{tenant}': processor '{processor}' looks up read model '{byView.view.Model}', but the host has no read-model views.");
                    views[byView.name] = await viewSource.ReadAtLeast(tenant, byView.view.Model, byView.view.Scope, e.Position, ct);
                    break;
                case ProcessorLookup.Query byQuery:
                    var queries = runtime.Queries ?? throw new InvalidOperationException(
                        $"Tenant '{tenant}': processor '{processor}' runs query '{byQuery.query}', but the host has no query processor.");
                    var caller = new Caller(tenant, Actor, [], e.Metadata.CorrelationId);
                    answers[byQuery.name] = await queries.ExecuteAsync(caller, byQuery.query, byQuery.request, ct);
                    break;
            }
        }
        var reads = new ProcessorReads(MapModule.OfSeq(events.Select(kv => Tuple.Create(kv.Key, kv.Value))),
            MapModule.OfSeq(views.Select(kv => Tuple.Create(kv.Key, kv.Value))),
            MapModule.OfSeq(answers.Select(kv => Tuple.Create(kv.Key, kv.Value))));
        return new ProcessorContext(tenant, processor, reads);
    }

    private string Actor => $"processor:{processor}";
}
