using Hybrid.Shell.Commands;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Every command outcome, run against one store; instantiated per store.</summary>
public abstract class CommandOutcomeTests(IEventStoreFactory factory)
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private Task<IEventStore> Store() => factory.CreateAsync();

    [Fact]
    public async Task Accepted_command_persists_its_events_with_metadata_and_answers_with_its_result()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var commandId = Guid.NewGuid();
        var outcome = await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c1","by":5}""",
            new CommandOptions { CommandId = commandId }, _ct);

        var accepted = outcome.AssertAccepted();
        var e = Assert.Single(accepted.Events);
        Assert.Equal(("Incremented", "counter-c1", 1L), (e.Type, e.Stream, e.StreamVersion));
        Assert.Contains("counter:c1", e.Tags);
        // A caller-chosen id also stores which command and input it was first used for.
        Assert.StartsWith("Increment:", e.Metadata.Fields[Command.FingerprintField]);
        Assert.Equal(EventMetadata.Of(commandId.ToString(), "corr-alice", "alice").WithField(Command.FingerprintField, e.Metadata.Fields[Command.FingerprintField]), e.Metadata);
        Assert.Single(e.Metadata.Fields);
        Assert.Equal("""{"total":5}""", accepted.ResultJson());
        Assert.Equal(e.Position, accepted.Position);
        var stored = await store.ReadStream(tenant, StreamRead.Forward("counter-c1"), _ct);
        Assert.Equal(e.Id, Assert.Single(stored).Id);
    }

    [Fact]
    public async Task Resending_a_command_with_the_same_command_id_writes_its_events_once()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var options = new CommandOptions { CommandId = Guid.NewGuid() };
        var first = (await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":5}""", options, _ct)).AssertAccepted();

        var resent = (await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":5}""", options, _ct)).AssertAccepted();

        Assert.Equal(first.Events[0].Id, Assert.Single(resent.Events).Id);
        Assert.Equal(first.Events[0].Position, resent.Events[0].Position);
        Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter-c"), _ct));
        Assert.Equal(1L, await store.GetHead(tenant, _ct));
    }

    [Theory]
    [InlineData("Increment", """{"counterId":"d","by":5}""", "'Increment' with other input")] // another stream: its derived ids are stored
    [InlineData("Increment", """{"counterId":"c","by":7}""", "'Increment' with other input")] // the same stream: found by the lookup
    [InlineData("RegisterCustomer", """{"customerId":"c9","email":"a@x.org","name":"A"}""", "'Increment'")]
    public async Task A_command_id_reused_for_another_command_or_input_is_invalid_and_writes_nothing(string command, string json, string says)
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var options = new CommandOptions { CommandId = Guid.NewGuid() };
        var admin = User(tenant, "root", "admin");
        (await Processor(store).ExecuteJsonAsync(admin, "Increment", """{"counterId":"c","by":5}""", options, _ct)).AssertAccepted();

        var outcome = await Processor(store).ExecuteJsonAsync(admin, command, json, options, _ct);

        var invalid = Assert.IsType<CommandOutcome.Invalid>(outcome).Item;
        Assert.Equal("commandId", invalid.Field);
        Assert.Contains($"The command id '{options.CommandId}' was already used by {says}", invalid.Message);
        Assert.Equal(1L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public Task A_caller_field_named_like_the_fingerprint_is_invalid() =>
        InvalidAndNothingWritten(new CommandOptions { Fields = new Dictionary<string, string> { [Command.FingerprintField] = "Increment:0" } },
            $"metadata.Fields[{Command.FingerprintField}]");

    [Fact]
    public Task The_empty_guid_is_not_a_command_id() => InvalidAndNothingWritten(new CommandOptions { CommandId = Guid.Empty }, "commandId");

    /// <summary>An increment by the caller (a user of a fresh tenant by default) is invalid naming the field, and writes nothing.</summary>
    private async Task InvalidAndNothingWritten(CommandOptions? options, string field, Func<string, Caller>? callerIn = null)
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var caller = callerIn is null ? User(tenant) : callerIn(tenant);
        var outcome = await Processor(store).ExecuteJsonAsync(caller, "Increment", """{"counterId":"c","by":1}""", options, _ct);
        Assert.Equal(field, Assert.IsType<CommandOutcome.Invalid>(outcome).Item.Field);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task A_command_id_leaves_room_for_its_fingerprint_among_the_metadata_fields()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        Dictionary<string, string> Fields(int n) => Enumerable.Range(0, n).ToDictionary(i => $"f{i}", i => $"v{i}");

        var full = await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""",
            new CommandOptions { CommandId = Guid.NewGuid(), Fields = Fields(Limits.MetadataFields) }, _ct);
        var invalid = Assert.IsType<CommandOutcome.Invalid>(full).Item;
        Assert.Equal("metadata.Fields", invalid.Field);
        Assert.Contains($"at most {Limits.MetadataFields - 1} metadata fields of its own", invalid.Message);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));

        var room = (await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""",
            new CommandOptions { CommandId = Guid.NewGuid(), Fields = Fields(Limits.MetadataFields - 1) }, _ct)).AssertAccepted();
        Assert.Equal(Limits.MetadataFields, room.Events[0].Metadata.Fields.Count);
    }

    [Fact]
    public async Task A_command_id_reused_for_a_command_writing_more_events_is_invalid_and_writes_nothing()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var options = new CommandOptions { CommandId = Guid.NewGuid() };
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", """{"accountId":"a","balance":10}""", null, _ct)).AssertAccepted();
        (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", """{"accountId":"b","balance":0}""", null, _ct)).AssertAccepted();
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":5}""", options, _ct)).AssertAccepted();

        // Two events: the first's id (derived from the command id) is the increment's, the second's is new.
        var outcome = await processor.ExecuteJsonAsync(User(tenant), "Transfer", """{"transferId":"t","from":"a","to":"b","amount":3}""", options, _ct);

        var invalid = Assert.IsType<CommandOutcome.Invalid>(outcome).Item;
        Assert.Equal("commandId", invalid.Field);
        // Found by its first event's id, the earlier command is named.
        Assert.Contains("already used by 'Increment'", invalid.Message);
        Assert.Equal(3L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Correlation_defaults_to_the_command_id_when_the_caller_has_none()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var commandId = Guid.NewGuid();
        var caller = new Caller(tenant, "bob", [], "");
        var accepted = (await Processor(store).ExecuteJsonAsync(caller, "Increment", """{"counterId":"c","by":1}""",
            new CommandOptions { CommandId = commandId }, _ct)).AssertAccepted();
        Assert.Equal(commandId.ToString(), accepted.Events[0].Metadata.CorrelationId);
    }

    [Fact]
    public async Task Decision_with_no_events_succeeds_and_writes_nothing()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var accepted = (await Processor(store).ExecuteJsonAsync(Anonymous(tenant), "Noop", """{"text":"x"}""", null, _ct)).AssertAccepted();
        Assert.Empty(accepted.Events);
        Assert.Equal("""{"ok":true}""", accepted.ResultJson());
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Rejected_command_gives_reason_and_details_and_writes_nothing()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":90}""", null, _ct)).AssertAccepted();
        var rejection = (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":20}""", null, _ct)).AssertRejected();
        Assert.Equal("over-max", rejection.Code);
        Assert.Equal("90", rejection.Details["total"]);
        Assert.Equal(1L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Command_without_an_authorization_function_is_refused_even_for_an_admin()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var outcome = await Processor(store).ExecuteJsonAsync(User(tenant, "root", "admin"), "Unguarded", """{"text":"x"}""", null, _ct);
        var unauthorized = Assert.IsType<CommandOutcome.Unauthorized>(outcome);
        Assert.Contains("no authorization function", unauthorized.reason);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Caller_failing_authorization_is_unauthorized_and_nothing_is_written()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        Assert.True((await processor.ExecuteJsonAsync(Anonymous(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct)).IsUnauthorized);
        Assert.True((await processor.ExecuteJsonAsync(User(tenant), "RegisterCustomer",
            """{"customerId":"1","email":"a@x","name":"A"}""", null, _ct)).IsUnauthorized);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Theory]
    [InlineData("""{"by":1}""", "counterId")]
    [InlineData("""{"counterId":"c","by":"lots"}""", "by")]
    [InlineData("not json", "body")]
    [InlineData("", "body")]
    public async Task Invalid_input_names_the_field(string json, string field)
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var outcome = await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", json, null, _ct);
        var invalid = Assert.IsType<CommandOutcome.Invalid>(outcome);
        Assert.Equal(field, invalid.Item.Field);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Invalid_tenant_is_reported_as_the_tenant_field()
    {
        var store = await Store();
        var outcome = await Processor(store).ExecuteJsonAsync(User("bad tenant!"), "Increment", """{"counterId":"c","by":1}""", null, _ct);
        Assert.Equal("tenant", Assert.IsType<CommandOutcome.Invalid>(outcome).Item.Field);
    }

    [Theory]
    [InlineData("ann\nbob", "x", "actor")]
    [InlineData("ann", "corr\u0000", "correlationId")]
    public Task A_caller_whose_actor_or_correlation_id_could_not_be_stored_is_invalid_before_anything_runs(string actor, string correlation, string field) =>
        InvalidAndNothingWritten(null, field, tenant => new Caller(tenant, actor, [], correlation));

    [Fact]
    public async Task An_event_the_store_refuses_makes_the_command_invalid_with_a_message_free_of_parameter_suffixes()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        // Passed typed, the NUL character reaches the event body, which every store refuses.
        var outcome = await Processor(store).ExecuteAsync(User(tenant, "root", "admin"), "RegisterCustomer",
            Customers.Command.NewRegister(new Customers.Registered("c1", "a@x.org", "A\u0000B")), ct: _ct);
        var invalid = Assert.IsType<CommandOutcome.Invalid>(outcome).Item;
        Assert.Equal("events[0].Body", invalid.Field);
        Assert.Contains("\\u0000", invalid.Message);
        Assert.DoesNotContain("(Parameter", invalid.Message);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task A_nul_character_in_a_json_request_is_invalid_naming_its_field_and_writes_nothing()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var outcome = await Processor(store).ExecuteJsonAsync(User(tenant, "root", "admin"), "RegisterCustomer",
            """{"customerId":"c1","email":"a@x.org","name":"A\u0000B"}""", null, _ct);
        var invalid = Assert.IsType<CommandOutcome.Invalid>(outcome).Item;
        Assert.Equal("name", invalid.Field);
        Assert.Contains("NUL character", invalid.Message);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
        // An escaped backslash before "u0000" is text, not a NUL.
        (await Processor(store).ExecuteJsonAsync(User(tenant, "root", "admin"), "RegisterCustomer",
            """{"customerId":"c1","email":"a@x.org","name":"A\\u0000B"}""", null, _ct)).AssertAccepted();
    }

    [Fact]
    public async Task Command_on_a_missing_target_is_not_found()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        Assert.True((await processor.ExecuteJsonAsync(User(tenant), "Decrement", """{"counterId":"nope","by":1}""", null, _ct)).IsNotFound);
        Assert.True((await processor.ExecuteJsonAsync(User(tenant), "RenameCustomer", """{"customerId":"nope","name":"Z"}""", null, _ct)).IsNotFound);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Unknown_command_is_reported_by_name()
    {
        var store = await Store();
        var outcome = await Processor(store).ExecuteJsonAsync(User(Tenants.Fresh()), "Launch", "{}", null, _ct);
        Assert.Equal("Launch", Assert.IsType<CommandOutcome.UnknownCommand>(outcome).name);
    }

    [Fact]
    public async Task Out_of_date_expected_version_is_a_version_mismatch_and_the_current_one_is_accepted()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct)).AssertAccepted();
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct)).AssertAccepted();

        var stale = await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""",
            new CommandOptions { ExpectedVersion = ExpectedVersion.NewExact(1) }, _ct);
        var mismatch = Assert.IsType<CommandOutcome.VersionMismatch>(stale);
        Assert.Equal(2L, mismatch.Item.ActualVersion);
        Assert.Equal(2L, await store.GetHead(tenant, _ct));

        var current = await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""",
            new CommandOptions { ExpectedVersion = ExpectedVersion.NewExact(2) }, _ct);
        Assert.Equal(3L, current.AssertAccepted().Events[0].StreamVersion);
    }

    [Fact]
    public async Task Conflict_is_reported_when_every_attempt_finds_new_events_and_nothing_is_written()
    {
        var inner = await Store();
        var tenant = Tenants.Fresh();
        var store = new InterferingStore(inner, interferences: int.MaxValue);
        var outcome = await Processor(store, new CommandProcessorOptions { MaxAttempts = 3 })
            .ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct);
        var conflict = Assert.IsType<CommandOutcome.Conflict>(outcome);
        Assert.Equal(3, conflict.attempts);
        var written = await inner.ReadStream(tenant, StreamRead.Forward("counter-c"), _ct);
        Assert.All(written, e => Assert.Equal("interference", e.Metadata.Actor));
        Assert.Equal(3, written.Length);
    }

    [Fact]
    public async Task Conflict_retries_the_lookup_and_decision_and_then_succeeds()
    {
        var inner = await Store();
        var tenant = Tenants.Fresh();
        var store = new InterferingStore(inner, interferences: 1);
        var accepted = (await Processor(store).ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct))
            .AssertAccepted();
        Assert.Equal(2, accepted.Attempts);
        Assert.Equal(2L, accepted.Events[0].StreamVersion);
        Assert.Equal("""{"total":2}""", accepted.ResultJson());
    }

    [Fact]
    public async Task Concurrent_registrations_racing_for_one_email_let_exactly_one_win()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { MaxAttempts = 20 });
        var admin = User(tenant, "root", "admin");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            processor.ExecuteJsonAsync(admin, "RegisterCustomer", $$"""{"customerId":"c{{i}}","email":"Same@X.org","name":"N{{i}}"}""", null, _ct))));

        Assert.Single(outcomes, o => o.IsAccepted);
        Assert.All(outcomes.Where(o => !o.IsAccepted), o => Assert.Equal("email-taken", o.AssertRejected().Code));
        var claims = await store.Read(tenant, EventQuery.OfTags("email:same@x.org"), _ct);
        Assert.Single(claims);
    }

    [Fact]
    public async Task Concurrent_commands_on_one_stream_all_land_once_in_version_order()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { MaxAttempts = 50 });
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct))));

        Assert.All(outcomes, o => o.AssertAccepted());
        var stream = await store.ReadStream(tenant, StreamRead.Forward("counter-c"), _ct);
        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), stream.Select(e => e.StreamVersion));
        var totals = outcomes.Select(o => o.AssertAccepted().ResultJson()).Order().ToArray();
        Assert.Equal(10, totals.Distinct().Count());
    }

    [Fact]
    public async Task Twenty_parallel_commands_on_one_aggregate_all_succeed_with_the_default_retries()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        using var start = new ManualResetEventSlim();
        var racing = Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
        {
            start.Wait();
            return processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct);
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(racing);

        Assert.All(outcomes, o => o.AssertAccepted());
        Assert.Equal(20L, (await store.GetStreamState(tenant, "counter-c", _ct)).Version);
    }

    [Fact]
    public async Task Concurrent_commands_on_one_stream_respect_its_invariant()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { MaxAttempts = 100 });
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(() =>
            processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":5}""", null, _ct))));

        Assert.Equal(20, outcomes.Count(o => o.IsAccepted));
        Assert.All(outcomes.Where(o => !o.IsAccepted), o => Assert.Equal("over-max", o.AssertRejected().Code));
        Assert.Equal(20L, (await store.GetStreamState(tenant, "counter-c", _ct)).Version);
    }

    [Fact]
    public async Task Transfer_updates_two_aggregates_in_one_atomic_append()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", """{"accountId":"a","balance":10}""", null, _ct)).AssertAccepted();
        (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", """{"accountId":"b","balance":0}""", null, _ct)).AssertAccepted();

        var accepted = (await processor.ExecuteJsonAsync(User(tenant), "Transfer", """{"transferId":"t1","from":"a","to":"b","amount":7}""", null, _ct))
            .AssertAccepted();
        Assert.Equal(["account-a", "account-b"], accepted.Events.Select(e => e.Stream));
        Assert.Equal([3L, 4L], accepted.Events.Select(e => e.Position));
        Assert.All(accepted.Events, e => Assert.Equal(accepted.Events[0].Metadata, e.Metadata));

        var rejection = (await processor.ExecuteJsonAsync(User(tenant), "Transfer", """{"transferId":"t2","from":"a","to":"b","amount":7}""", null, _ct))
            .AssertRejected();
        Assert.Equal("insufficient-funds", rejection.Code);
        Assert.True((await processor.ExecuteJsonAsync(User(tenant), "Transfer", """{"transferId":"t3","from":"a","to":"zz","amount":1}""", null, _ct)).IsNotFound);
        Assert.Equal(4L, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task Concurrent_transfers_never_overdraw_an_account()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { MaxAttempts = 50 });
        (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", """{"accountId":"a","balance":10}""", null, _ct)).AssertAccepted();
        for (var i = 0; i < 4; i++)
            (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", $$"""{"accountId":"b{{i}}","balance":0}""", null, _ct)).AssertAccepted();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            processor.ExecuteJsonAsync(User(tenant), "Transfer", $$"""{"transferId":"t{{i}}","from":"a","to":"b{{i}}","amount":5}""", null, _ct))));

        Assert.Equal(2, outcomes.Count(o => o.IsAccepted));
        Assert.Equal(3, (await store.ReadStream(tenant, StreamRead.Forward("account-a"), _ct)).Length);
    }

    [Fact]
    public async Task Repeating_a_registration_is_accepted_without_writing_again()
    {
        var store = await Store();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        var admin = User(tenant, "root", "admin");
        const string json = """{"customerId":"c1","email":"a@x.org","name":"A"}""";
        Assert.Single((await processor.ExecuteJsonAsync(admin, "RegisterCustomer", json, null, _ct)).AssertAccepted().Events);
        Assert.Empty((await processor.ExecuteJsonAsync(admin, "RegisterCustomer", json, null, _ct)).AssertAccepted().Events);
        Assert.Equal(1L, await store.GetHead(tenant, _ct));
    }
}
