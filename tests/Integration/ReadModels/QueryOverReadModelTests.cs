using Hybrid.Shell.Queries;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.TestDomain.ReadModels;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// Queries over the engine's read models: deny by default (nothing is read for a refused caller), and a query that
/// reads a read model nobody registered is the definition's defect, named at construction or as a failure, never an
/// invalid request blamed on the caller.
/// </summary>
public sealed class QueryOverReadModelTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Caller Ann = new("t1", "ann", ["viewer"], "");
    private readonly CounterLog _log = new();

    private static QueryDefinition Summary(string name, string model) =>
        Query.overViews<string>(name, ListModule.OfArray([model]),
            FuncConvert.FromFunc<string, FSharpList<ViewRef>>(_ => ListModule.OfArray([ViewRef.Of(model)])),
            FuncConvert.FromFunc<Caller, string, FSharpList<ReadModelView>, QueryAnswer>((_, _, views) => QueryAnswer.NewFound(views.Head.State)));

    private static QueryDefinition Anyone(QueryDefinition query) =>
        Query.authorize(FuncConvert.FromFunc<Caller, string, Authorization>((_, _) => Authorization.Allowed), query);

    [Fact]
    public async Task a_query_without_authorization_refuses_every_caller_and_reads_no_view()
    {
        _log.Count("t1", "a", 1);
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all);
        var queries = new QueryProcessor(_log.Store, engine, [Summary("summary", "counter-summary"), Anyone(Summary("open-summary", "counter-summary"))]);

        var refused = await queries.ExecuteAsync(Ann, "summary", "x", None);

        Assert.True(refused.IsUnauthorized, refused.ToString());
        Assert.Equal(0, engine.Statistics.L1Misses + engine.Statistics.L1Hits);
        var answered = await queries.ExecuteAsync(Ann, "open-summary", "x", None);
        Assert.Equal(_log.Summary("t1"), Assert.IsType<QueryOutcome.Answered>(answered).value);
    }

    [Fact]
    public async Task a_query_that_declares_an_unregistered_read_model_is_refused_at_construction_naming_both()
    {
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all);

        var refused = Assert.Throws<ArgumentException>(() => new QueryProcessor(_log.Store, engine, [Anyone(Summary("totals", "counter-sumary"))]));

        Assert.Contains("'totals'", refused.Message);
        Assert.Contains("'counter-sumary'", refused.Message);
    }

    [Fact]
    public async Task a_query_that_reads_an_unregistered_read_model_fails_as_a_defect_not_as_the_callers_invalid_request()
    {
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all);
        // Declares nothing, so only the request finds the typo.
        var undeclared = Query.readsModels(FSharpList<string>.Empty, Anyone(Summary("totals", "counter-sumary")));
        var queries = new QueryProcessor(_log.Store, engine, [undeclared]);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => queries.ExecuteAsync(Ann, "totals", "x", None));

        Assert.Contains("'totals'", failure.Message);
        Assert.Contains("'counter-sumary'", failure.Message);
    }
}
