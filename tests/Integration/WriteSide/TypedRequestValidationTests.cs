using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Queries;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// A command or query passed already typed meets the checks its definition declares (Command.validate,
/// Query.validate) as one parsed from JSON does (the typed path once skipped them and wrote what they refuse).
/// </summary>
public sealed class TypedRequestValidationTests
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
    private readonly InMemoryEventStore _store = new();

    private static Drawings.Draw Draw(string? boardId) =>
        new(boardId!, Drawings.Shape.Dot, FSharpOption<string>.None, FSharpList<string>.Empty);

    [Fact]
    public async Task A_typed_command_its_own_check_refuses_is_invalid_naming_the_field_and_writes_nothing()
    {
        var tenant = Tenants.Fresh();

        var outcome = await Processor(_store).ExecuteAsync(User(tenant), "Draw", Draw(null), ct: _ct);

        var invalid = Assert.IsType<CommandOutcome.Invalid>(outcome).Item;
        Assert.Equal("boardId", invalid.Field);
        Assert.Equal(0L, await _store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task A_typed_command_its_own_check_accepts_is_written()
    {
        var tenant = Tenants.Fresh();

        var outcome = await Processor(_store).ExecuteAsync(User(tenant), "Draw", Draw("b1"), ct: _ct);

        Assert.Equal("ShapeDrawn", Assert.Single(outcome.AssertAccepted().Events).Type);
    }

    [Fact]
    public async Task A_typed_query_its_own_check_refuses_is_invalid_naming_the_field()
    {
        var queries = QueryProcessor.Of(WriteSideCatalog.registry, _store, null);

        var outcome = await queries.ExecuteAsync(User(Tenants.Fresh()), "Board", new Drawings.BoardRequest(null!), _ct);

        Assert.Equal("boardId", Assert.IsType<QueryOutcome.Invalid>(outcome).Item.Field);
    }

    [Fact]
    public async Task The_json_and_typed_paths_refuse_the_same_request_with_the_same_error()
    {
        var tenant = Tenants.Fresh();

        var typed = await Processor(_store).ExecuteAsync(User(tenant), "Draw", Draw(null), ct: _ct);
        var json = await Processor(_store).ExecuteJsonAsync(User(tenant), "Draw", """{"boardId":null,"shape":"Dot","note":null,"colours":[]}""", ct: _ct);

        Assert.Equal(Assert.IsType<CommandOutcome.Invalid>(json).Item, Assert.IsType<CommandOutcome.Invalid>(typed).Item);
    }
}
