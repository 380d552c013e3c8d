using System.Text.Json;
using Hybrid.InMemory.Lifecycle;
using Hybrid.Shell.Ids;
using Hybrid.InMemory.ReadModels;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Crypto-shredding over the store: personal values are stored sealed (never in clear), every read path gives them
/// back, and once the subject is forgotten every read path gives null for them while the rest of the event stays.
/// </summary>
public abstract class ShreddingConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static readonly PersonalDataPolicy Policy = new([PersonalData.declare("CustomerRegistered", "customerId", ["email", "name"])]);
    private readonly IEventStoreFactory _factory = factory;
    private ISubjectKeyStore? _keys;

    /// <summary>The decorator over the store under test, with the key store kept beside it (its table, its file).</summary>
    private CryptoShreddingEventStore Shredding => new(Store, Policy, _keys ?? throw new InvalidOperationException("Keys are created first."), UuidV7IdSource.System);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _keys = _factory is ISubjectKeyStoreFactory keys ? await keys.CreateKeysAsync() : new InMemorySubjectKeyStore();
    }

    private static EventData Registered(string customer, string email) =>
        new("CustomerRegistered", [$"customer:{customer}"], $"customer-{customer}",
            $$"""{"customerId":"{{customer}}","email":"{{email}}","name":"Ann","plan":"gold"}""", 1);

    private static JsonElement Body(RecordedEvent e) => JsonDocument.Parse(e.Body).RootElement;

    [Fact]
    public async Task personal_values_are_stored_sealed_and_read_back_in_clear_through_every_read_path()
    {
        var appended = ((AppendResult.Appended)await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann@example.com"))), Ct)).Item;
        Assert.Equal("ann@example.com", Body(appended[0]).GetProperty("email").GetString());
        var raw = Assert.Single(await ReadAll());
        Assert.DoesNotContain("ann@example.com", raw.Body);
        Assert.DoesNotContain("Ann", raw.Body);
        Assert.StartsWith(PersonalData.SealedPrefix, Body(raw).GetProperty("email").GetString());
        Assert.Equal("gold", Body(raw).GetProperty("plan").GetString());
        foreach (var read in new[]
                 {
                     Assert.Single(await Shredding.Read(Tenant, EventQuery.All, Ct)),
                     Assert.Single(await Shredding.ReadStream(Tenant, StreamRead.Forward("customer-c1"), Ct)),
                     Assert.Single(await Shredding.ReadById(Tenant, raw.Id, Ct)),
                 })
        {
            Assert.Equal("ann@example.com", Body(read).GetProperty("email").GetString());
            Assert.Equal("Ann", Body(read).GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task a_forgotten_subject_reads_as_null_everywhere_and_other_subjects_stay_readable()
    {
        await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann@example.com"), Registered("c2", "bob@example.com"))), Ct);
        var forgotten = await Shredding.ForgetSubject(Tenant, "c1", "erasure request 9", Ct);
        var audit = Assert.IsType<ForgetResult.Forgotten>(forgotten).audit;
        Assert.Equal(FoldInvalidation.SubjectForgottenType, audit.Type);
        var all = await Shredding.Read(Tenant, EventQuery.OfTypes("CustomerRegistered"), Ct);
        Assert.Equal(JsonValueKind.Null, Body(all[0]).GetProperty("email").ValueKind);
        Assert.Equal(JsonValueKind.Null, Body(all[0]).GetProperty("name").ValueKind);
        Assert.Equal("c1", Body(all[0]).GetProperty("customerId").GetString());
        Assert.Equal("gold", Body(all[0]).GetProperty("plan").GetString());
        Assert.Equal("bob@example.com", Body(all[1]).GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, Body(Assert.Single(await Shredding.ReadStream(Tenant, StreamRead.Forward("customer-c1"), Ct))).GetProperty("email").ValueKind);

        using var cts = new CancellationTokenSource(Patience);
        await foreach (var message in Shredding.Subscribe(Tenant, EventQuery.OfTypes("CustomerRegistered"), cts.Token))
        {
            var e = Assert.IsType<SubscriptionMessage.Event>(message).Item;
            Assert.Equal(JsonValueKind.Null, Body(e).GetProperty("email").ValueKind);
            break;
        }
    }

    [Fact]
    public async Task forgetting_an_unknown_subject_is_refused_and_appends_nothing()
    {
        await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann@example.com"))), Ct);
        var result = await Shredding.ForgetSubject(Tenant, "c404", "erasure", Ct);
        Assert.Contains("c404", Assert.IsType<ForgetResult.UnknownSubject>(result).reason);
        Assert.Equal(1, await Head());
        var otherTenant = await Shredding.ForgetSubject(Tenants.Fresh(), "c1", "erasure", Ct);
        Assert.IsType<ForgetResult.UnknownSubject>(otherTenant);
        Assert.Equal("ann@example.com", Body(Assert.Single(await Shredding.Read(Tenant, EventQuery.All, Ct))).GetProperty("email").GetString());
    }

    [Fact]
    public async Task an_event_with_personal_data_but_no_subject_is_bad_input_and_nothing_is_written()
    {
        var noSubject = new EventData("CustomerRegistered", [], "customer-x", """{"email":"x@example.com"}""", 1);
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(noSubject)), Ct));
        Assert.Equal("events[0].Body", error.Field);
        Assert.Contains("customerId", error.Message);
        Assert.Equal(0, await Head());
    }

    private static string EmailOf(RecordedEvent e) =>
        Body(e).GetProperty("email") is { ValueKind: JsonValueKind.String } email ? email.GetString()! : "(redacted)";

    /// <summary>A monolithic read model of every registered email, in order.</summary>
    private static readonly ReadModelDefinition Emails = ReadModel.ofRecorded("shredding-emails", 1, ["CustomerRegistered"], "",
        FuncConvert.FromFunc<string, RecordedEvent, string>((all, e) => all + EmailOf(e) + ";"));

    [Fact]
    public async Task a_cached_read_model_drops_a_forgotten_subjects_values_and_a_rebuild_never_brings_them_back()
    {
        await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann@example.com"), Registered("c2", "bob@example.com"))), Ct);
        await using var engine = new ReadModelEngine(Shredding, [Emails], new InMemoryReadModelStore());
        Assert.Equal("ann@example.com;bob@example.com;", (await engine.Read(Tenant, Emails.Name, "", Ct)).State);
        await engine.FlushAsync();

        Assert.IsType<ForgetResult.Forgotten>(await Shredding.ForgetSubject(Tenant, "c1", "erasure", Ct));
        Assert.Equal("(redacted);bob@example.com;", (await engine.Read(Tenant, Emails.Name, "", Ct)).State);
        await engine.Rebuild(Tenant, Emails.Name, "", Ct);
        Assert.Equal("(redacted);bob@example.com;", (await engine.Read(Tenant, Emails.Name, "", Ct)).State);
        await using var fresh = new ReadModelEngine(Shredding, [Emails], new InMemoryReadModelStore());
        Assert.Equal("(redacted);bob@example.com;", (await fresh.Read(Tenant, Emails.Name, "", Ct)).State);
    }

    [Fact]
    public async Task archives_hold_sealed_values_and_read_back_redacted_once_the_subject_is_forgotten_whenever_they_were_written()
    {
        var dir = Directory.CreateTempSubdirectory("hybrid-shredding-archive-").FullName;
        try
        {
            await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann@example.com"), Registered("c2", "bob@example.com"))), Ct);
            var before = Path.Combine(dir, "before.jsonl");
            Assert.Equal(2, await EventArchive.WriteAsync(Shredding.Sealed, Tenant, 0, 2, before, Ct));
            Assert.DoesNotContain("ann@example.com", await File.ReadAllTextAsync(before));
            Assert.Equal(["ann@example.com", "bob@example.com"], (await Shredding.Reveal(await EventArchive.ReadAsync(before, Ct), Ct)).Select(EmailOf));

            Assert.IsType<ForgetResult.Forgotten>(await Shredding.ForgetSubject(Tenant, "c1", "erasure", Ct));
            var after = Path.Combine(dir, "after.jsonl");
            Assert.Equal(2, await EventArchive.WriteAsync(Shredding.Sealed, Tenant, 0, 2, after, Ct));
            foreach (var path in new[] { before, after })
                Assert.Equal(["(redacted)", "bob@example.com"], (await Shredding.Reveal(await EventArchive.ReadAsync(path, Ct), Ct)).Select(EmailOf));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task a_forgotten_subject_that_seals_again_gets_a_new_key_and_its_old_values_stay_redacted()
    {
        await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann@example.com"))), Ct);
        await Shredding.ForgetSubject(Tenant, "c1", "erasure", Ct);
        await Shredding.Append(AppendRequest.Of(Tenant, TestEvents.Propose(Registered("c1", "ann.new@example.com"))), Ct);
        var all = await Shredding.Read(Tenant, EventQuery.OfTypes("CustomerRegistered"), Ct);
        Assert.Equal(["(redacted)", "ann.new@example.com"], all.Select(EmailOf));
    }
}
