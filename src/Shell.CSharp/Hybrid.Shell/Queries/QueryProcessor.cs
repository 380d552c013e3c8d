using System.Collections.Immutable;
using System.Diagnostics;
using Hybrid.Shell.Telemetry;
using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Queries;

/// <summary>
/// Runs queries: authorize (deny by default), read the views and events the query names, answer purely.
/// Every expected outcome is a <see cref="QueryOutcome"/> value.
/// </summary>
public sealed class QueryProcessor
{
    private static readonly ActivitySource Activities = new(HybridTelemetry.Queries);

    private readonly IEventStore? _store;
    private readonly IReadModelViews? _views;
    private readonly ImmutableDictionary<string, QueryDefinition> _queries;

    /// <summary>
    /// A processor over a store (wrap it in an upcasting store to upcast reads), read-model views and queries. Without a
    /// store (a projector process that has only read models) a query that reads events fails naming it. With views, a
    /// query that declares a read model they do not know (<c>Query.readsModels</c>, <c>Query.overViews</c>) is refused
    /// here, naming both, rather than failing every request.
    /// </summary>
    public QueryProcessor(IEventStore? store, IReadModelViews? views, IEnumerable<QueryDefinition> queries)
    {
        _store = store;
        _views = views;
        var builder = ImmutableDictionary.CreateBuilder<string, QueryDefinition>(StringComparer.Ordinal);
        foreach (var q in queries)
        {
            if (!builder.TryAdd(q.Name, q)) throw new ArgumentException($"Two queries are named '{q.Name}'.", nameof(queries));
            if (views is not null && q.ReadModels.FirstOrDefault(m => !views.Knows(m)) is { } unknown)
                throw new ArgumentException(UnknownModel(q.Name, unknown), nameof(queries));
        }
        _queries = builder.ToImmutable();
    }

    /// <summary>A processor of a registry's queries.</summary>
    public static QueryProcessor Of(Registry registry, IEventStore store, IReadModelViews? views) =>
        new(store, views, WriteSide.queries(registry));

    /// <summary>True when a query of that name is registered.</summary>
    public bool Knows(string name) => _queries.ContainsKey(name);

    /// <summary>Parses a JSON request with the query's definition, then runs it.</summary>
    public Task<QueryOutcome> ExecuteJsonAsync(Caller caller, string query, string json, CancellationToken ct = default)
    {
        if (!_queries.TryGetValue(query, out var definition)) return Task.FromResult(QueryOutcome.NewUnknownQuery(query));
        var parsed = definition.Parse.Invoke(json);
        return parsed.IsError
            ? Task.FromResult(QueryOutcome.NewInvalid(parsed.ErrorValue))
            : ExecuteParsed(caller, query, definition, parsed.ResultValue, ct);
    }

    /// <summary>Runs a typed query for the caller, checked by the definition's own checks as a parsed one is.</summary>
    public Task<QueryOutcome> ExecuteAsync(Caller caller, string query, object request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!_queries.TryGetValue(query, out var definition)) return Task.FromResult(QueryOutcome.NewUnknownQuery(query));
        if (request is not null && definition.Validate.Invoke(request) is { IsError: true } invalid)
            return Task.FromResult(QueryOutcome.NewInvalid(invalid.ErrorValue));
        return ExecuteParsed(caller, query, definition, request!, ct);
    }

    private async Task<QueryOutcome> ExecuteParsed(Caller caller, string query, QueryDefinition definition, object request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var started = Stopwatch.GetTimestamp();
        using var activity = Activities.StartActivity($"query {query}");
        activity?.SetTag("hybrid.query", query);
        var tenant = CallerModule.validate(caller);
        // A tenant that fails the format check is not stamped on the span: it is the caller's text, of any size.
        if (tenant.IsOk) activity?.SetTag("hybrid.tenant", caller.Tenant);
        var refused = tenant.IsError ? QueryOutcome.NewInvalid(tenant.ErrorValue)
            : request is null ? QueryOutcome.NewInvalid(new Validation.Error("body", "The query is null."))
            : definition.Check(caller, request) is Authorization.Denied denied ? QueryOutcome.NewUnauthorized(denied.reason)
            : null;
        if (refused is not null) return QueryTelemetry.Ended(activity, query, started, refused);
        try
        {
            return QueryTelemetry.Ended(activity, query, started, await Run(caller, query, definition, request!, ct).ConfigureAwait(false));
        }
        catch (InvalidInputException invalid)
        {
            // The query names a scope or an event query the store refuses: the request's fault.
            return QueryTelemetry.Ended(activity, query, started, QueryOutcome.NewInvalid(new Validation.Error(invalid.Field, invalid.Message)));
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            QueryTelemetry.Failed(activity, query, started, failure);
            throw;
        }
    }

    private static string UnknownModel(string query, string model) =>
        $"Query '{query}' reads read model '{model}', which is not registered: register it (Runtime.addReadModel) or fix the query.";

    /// <summary>A short name for an outcome, for traces: answered, unauthorized, invalid, not-found, unknown-query.</summary>
    public static string OutcomeName(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Answered => "answered",
        QueryOutcome.Unauthorized => "unauthorized",
        QueryOutcome.Invalid => "invalid",
        QueryOutcome.NotFound => "not-found",
        QueryOutcome.UnknownQuery => "unknown-query",
        _ => "unknown",
    };

    private async Task<QueryOutcome> Run(Caller caller, string query, QueryDefinition definition, object request, CancellationToken ct)
    {
        var reads = definition.ReadsFor(request);
        var views = new List<ReadModelView>();
        foreach (var view in reads.Views)
        {
            if (_views is null)
                throw new InvalidOperationException($"Query '{query}' reads read model '{view.Model}', but the processor has no read-model views.");
            // The definition's defect, not the caller's: a 500 naming it, never an invalid request.
            if (!_views.Knows(view.Model)) throw new InvalidOperationException(UnknownModel(query, view.Model));
            views.Add(await _views.Read(caller.Tenant, view.Model, view.Scope, ct).ConfigureAwait(false));
        }
        RecordedEvent[] events = [];
        var position = views.Count == 0 ? 0L : views.Max(v => v.Position);
        if (reads.Events is { } eventQuery)
        {
            if (_store is null)
                throw new InvalidOperationException($"Query '{query}' reads events, but the processor has no event store.");
            var head = await _store.GetHead(caller.Tenant, ct).ConfigureAwait(false);
            events = await _store.Read(caller.Tenant, eventQuery.Value, ct).ConfigureAwait(false);
            position = Math.Max(position, head);
        }
        var answer = definition.Run(caller, request, new QueryInputs(ListModule.OfSeq(views), events));
        return answer switch
        {
            QueryAnswer.Found found => QueryOutcome.NewAnswered(found.value, position),
            QueryAnswer.NotFound missing => QueryOutcome.NewNotFound(missing.what),
            _ => throw new InvalidOperationException($"Query '{query}' gave an unknown answer."),
        };
    }
}
