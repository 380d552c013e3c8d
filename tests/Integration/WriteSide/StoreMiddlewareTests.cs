using Microsoft.FSharp.Core;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Middleware;
using Hybrid.Tests.Integration.Conformance;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>The upcasting store on every read path, and the append pipeline.</summary>
public sealed class StoreMiddlewareTests
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    /// <summary>v1 "Incremented" bodies had "amount"; v2 calls it "by".</summary>
    private static readonly Upcaster AmountToBy = Upcaster.Of("Incremented", 1, e => WithBody(e, e.Body.Replace("\"amount\"", "\"by\""), 2));

    /// <summary>v2 → v3 adds a "unit" field.</summary>
    private static readonly Upcaster AddUnit = Upcaster.Of("Incremented", 2, e => WithBody(e, e.Body.TrimEnd('}') + ",\"unit\":\"clicks\"}", 3));

    private static RecordedEvent WithBody(RecordedEvent e, string body, int schemaVersion) =>
        new(e.Id, e.Tenant, e.Position, e.Stream, e.StreamVersion, e.Type, e.Tags, EventBody.OfText(body), schemaVersion, e.Metadata, e.Timestamp);

    private static ProposedEvent OldIncrement(string counterId, int amount) => new(Guid.NewGuid(),
        EventData.Create("Incremented", $$"""{"counterId":"{{counterId}}","amount":{{amount}}}""", Counter(counterId), $"counter:{counterId}"),
        EventMetadata.Empty);

    private static string Counter(string id) => $"counter-{id}";

    [Fact]
    public async Task Upcasters_chain_in_order_on_stream_all_and_query_reads()
    {
        var inner = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        await inner.Append(AppendRequest.Of(tenant, OldIncrement("c", 3)), _ct);
        var store = new UpcastingEventStore(inner, [AmountToBy, AddUnit]);
        const string expected = """{"counterId":"c","by":3,"unit":"clicks"}""";

        var fromStream = Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter-c"), _ct));
        var fromAll = Assert.Single(await store.Read(tenant, EventQuery.All, _ct));
        var fromQuery = Assert.Single(await store.Read(tenant, EventQuery.OfTags("counter:c"), _ct));
        foreach (var e in new[] { fromStream, fromAll, fromQuery })
        {
            Assert.Equal(expected, e.Body);
            Assert.Equal(3, e.SchemaVersion);
        }
        Assert.Equal(1, Assert.Single(await inner.Read(tenant, EventQuery.All, _ct)).SchemaVersion);
    }

    [Fact]
    public async Task Upcasters_apply_to_subscriptions_catch_up_and_live()
    {
        var inner = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        await inner.Append(AppendRequest.Of(tenant, OldIncrement("c", 1)), _ct);
        var store = new UpcastingEventStore(inner, [AmountToBy]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        var bodies = new List<string>();
        await foreach (var message in store.Subscribe(tenant, EventQuery.All, cts.Token))
        {
            if (message is SubscriptionMessage.CaughtUp) await inner.Append(AppendRequest.Of(tenant, OldIncrement("c", 2)), _ct);
            if (message is SubscriptionMessage.Event e) bodies.Add(e.Item.Body);
            if (bodies.Count == 2) break;
        }
        Assert.Equal(["""{"counterId":"c","by":1}""", """{"counterId":"c","by":2}"""], bodies);
    }

    [Fact]
    public async Task Commands_decide_over_upcast_events()
    {
        var inner = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        await inner.Append(AppendRequest.Of(tenant, OldIncrement("c", 40)), _ct);
        var processor = Processor(new UpcastingEventStore(inner, [AmountToBy]));
        var accepted = (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":2}""", null, _ct)).AssertAccepted();
        Assert.Equal("""{"total":42}""", accepted.ResultJson());
    }

    [Fact]
    public void Two_upcasters_for_one_type_and_version_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new UpcastingEventStore(new InMemoryEventStore(), [AmountToBy, AmountToBy]));
        Assert.Contains("'Incremented' at schema version 1", error.Message);
    }

    [Fact]
    public async Task Validation_middleware_rejects_invalid_events_before_the_store()
    {
        var inner = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var checks = new Dictionary<string, Func<string, string?>>
        {
            ["Incremented"] = body => body.Contains("\"by\":-") ? "'by' must not be negative" : null,
        };
        var store = new EventStorePipeline(inner, [new EventValidationMiddleware(checks)]);
        var good = new ProposedEvent(Guid.NewGuid(), EventData.Tagged("Incremented", """{"by":1}"""), EventMetadata.Empty);
        var bad = new ProposedEvent(Guid.NewGuid(), EventData.Tagged("Incremented", """{"by":-1}"""), EventMetadata.Empty);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => store.Append(AppendRequest.Of(tenant, good, bad), _ct));
        Assert.Equal("events[1].Body", error.Field);
        Assert.Contains(tenant, error.Message);
        Assert.Equal(0L, await inner.GetHead(tenant, _ct));
        Assert.True((await store.Append(AppendRequest.Of(tenant, good), _ct)).IsAppended);
    }

    private sealed class Stamp(List<string> log, string name) : IAppendMiddleware
    {
        public async Task<AppendResult> AppendAsync(AppendRequest request, AppendNext next, CancellationToken ct)
        {
            log.Add(name);
            return await next(request, ct);
        }
    }

    [Fact]
    public async Task Append_middleware_runs_in_order_and_reaches_the_store_once()
    {
        var inner = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var log = new List<string>();
        var store = new EventStorePipeline(inner, [new Stamp(log, "a"), new Stamp(log, "b")]);
        var e = new ProposedEvent(Guid.NewGuid(), EventData.Tagged("X", "{}"), EventMetadata.Empty);
        Assert.True((await store.Append(AppendRequest.Of(tenant, e), _ct)).IsAppended);
        Assert.Equal(["a", "b"], log);
        Assert.Equal(1L, await inner.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Invalid_decided_events_become_an_invalid_outcome_naming_the_field()
    {
        var inner = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var checks = new Dictionary<string, Func<string, string?>> { ["Incremented"] = _ => "closed for maintenance" };
        var processor = Processor(new EventStorePipeline(inner, [new EventValidationMiddleware(checks)]));
        var outcome = await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct);
        Assert.Equal("events[0].Body", Assert.IsType<CommandOutcome.Invalid>(outcome).Item.Field);
        Assert.Equal(0L, await inner.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task a_null_append_request_through_the_upcasting_and_shredding_stores_is_the_stores_invalid_input()
    {
        var inner = new InMemoryEventStore();
        var policy = new PersonalDataPolicy([PersonalData.declare("CustomerRegistered", "customerId", ["email"])]);
        IEventStore[] wrappers =
        [
            new UpcastingEventStore(inner, [AmountToBy]),
            new Hybrid.Shell.Lifecycle.CryptoShreddingEventStore(inner, policy, new Hybrid.InMemory.Lifecycle.InMemorySubjectKeyStore(),
                Hybrid.Shell.Ids.UuidV7IdSource.System),
        ];
        foreach (var store in wrappers)
        {
            var error = await Assert.ThrowsAsync<InvalidInputException>(() => store.Append(null!, _ct));
            Assert.Equal("request", error.Field);
        }
    }
}
