using System.Text.Json;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Operations;
using Hybrid.Shell.ReadModels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Operations;

/// <summary>
/// Crypto-shredding wired by <c>UseCryptoShredding</c> on every store, with the store's own subject keys: the event
/// store every part gets is the shredding decorator, and forgetting a subject through the operator's API redacts it in
/// reads, subscriptions, read models (cached, rebuilt) and archives written before or after. Bad requests are refused
/// with a typed reason and change nothing.
/// </summary>
public abstract class ForgetSubjectConformance : IAsyncLifetime, IDisposable
{
    private static readonly PersonalDataPolicy Policy = new([PersonalData.declare("CustomerRegistered", "customerId", ["email"])]);
    private readonly DirectoryInfo _archives = Directory.CreateTempSubdirectory("hybrid-forget-archives-");
    private readonly string _tenant = Conformance.Tenants.Fresh("acme");
    private IHost _host = null!;

    /// <summary>Chooses the store under test.</summary>
    protected abstract Task Use(HybridBuilder hybrid);

    private HybridOperations Ops => _host.Services.GetRequiredService<HybridOperations>();
    private IEventStore Store => _host.Services.GetRequiredService<IEventStore>();

    private static readonly ReadModelDefinition Emails = ReadModel.ofRecorded("emails", 1, ["CustomerRegistered"], "",
        FuncConvert.FromFunc<string, RecordedEvent, string>((all, e) => all + EmailOf(e) + ";"));

    private static string EmailOf(RecordedEvent e) =>
        JsonDocument.Parse(e.Body).RootElement.GetProperty("email") is { ValueKind: JsonValueKind.String } email ? email.GetString()! : "(redacted)";

    private static ProposedEvent Registered(string customer, string email) => new(Guid.CreateVersion7(),
        new EventData("CustomerRegistered", [$"customer:{customer}"], $"customer-{customer}", $$"""{"customerId":"{{customer}}","email":"{{email}}"}""", 1),
        EventMetadata.Empty);

    private IHost Build(bool shredding)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(hybrid =>
        {
            Use(hybrid).GetAwaiter().GetResult();
            hybrid.AddReadModel(Emails);
            if (shredding) hybrid.UseCryptoShredding(Policy);
        });
        return builder.Build();
    }

    public async Task InitializeAsync()
    {
        _host = Build(shredding: true);
        await Store.Append(AppendRequest.Of(_tenant, Registered("c1", "ann@example.com"), Registered("c2", "bob@example.com")), default);
    }

    public async Task DisposeAsync()
    {
        if (_host is IAsyncDisposable d) await d.DisposeAsync();
        else _host.Dispose();
    }

    public virtual void Dispose() => _archives.Delete(recursive: true);

    private async Task<string[]> EmailsRead() => (await Store.Read(_tenant, EventQuery.OfTypes("CustomerRegistered"), default)).Select(EmailOf).ToArray();

    [Fact]
    public async Task forgetting_a_subject_redacts_it_in_reads_subscriptions_read_models_rebuilds_and_archives_written_before_or_after()
    {
        var shredding = Assert.IsType<CryptoShreddingEventStore>(Store);
        var sealedEvents = await shredding.Sealed.Read(_tenant, EventQuery.All, default);
        Assert.DoesNotContain("ann@example.com", string.Join("\n", sealedEvents.Select(e => e.Body)));
        var engine = _host.Services.GetRequiredService<ReadModelEngine>();
        Assert.Equal("ann@example.com;bob@example.com;", (await engine.Read(_tenant, Emails.Name, "", default)).State);
        var before = Path.Combine(_archives.FullName, "before.jsonl");
        Assert.Equal(2, await Ops.WriteArchive(_tenant, 0, 2, before, default));
        Assert.DoesNotContain("ann@example.com", await File.ReadAllTextAsync(before));

        var audit = await Ops.ForgetSubject(_tenant, "c1", "erasure request 7", default);

        Assert.Equal((FoldInvalidation.SubjectForgottenType, 3L), (audit.Type, audit.Position));
        Assert.Equal(["(redacted)", "bob@example.com"], await EmailsRead());
        Assert.Equal("(redacted);bob@example.com;", (await engine.Read(_tenant, Emails.Name, "", default)).State);
        await Ops.RebuildReadModel(_tenant, Emails.Name, "", default);
        Assert.Equal("(redacted);bob@example.com;", (await engine.Read(_tenant, Emails.Name, "", default)).State);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var message in Store.Subscribe(_tenant, EventQuery.OfTypes("CustomerRegistered"), cts.Token))
        {
            Assert.Equal("(redacted)", EmailOf(Assert.IsType<SubscriptionMessage.Event>(message).Item));
            break;
        }
        var after = Path.Combine(_archives.FullName, "after.jsonl");
        await Ops.WriteArchive(_tenant, 0, 3, after, default);
        foreach (var path in new[] { before, after })
            Assert.Equal(["(redacted)", "bob@example.com"], (await Ops.ReadArchive(path, default)).Where(e => e.Type == "CustomerRegistered").Select(EmailOf));
    }

    [Fact]
    public async Task forgetting_an_unknown_or_forgotten_subject_or_in_an_unknown_tenant_is_refused_and_changes_nothing()
    {
        async Task<OperationRefusal> Refused(string tenant, string subject, string reason = "erasure") =>
            (await Assert.ThrowsAsync<OperationRefusedException>(() => Ops.ForgetSubject(tenant, subject, reason, default))).Refusal;

        Assert.Equal(OperationRefusal.UnknownSubject, await Refused(_tenant, "c404"));
        Assert.Equal(OperationRefusal.UnknownTenant, await Refused("globex", "c1"));
        Assert.Equal(OperationRefusal.InvalidInput, await Refused("bad tenant", "c1"));
        Assert.Equal(OperationRefusal.InvalidInput, await Refused(_tenant, SubjectStoreTagKeys.Subject));
        Assert.Equal(OperationRefusal.InvalidInput, await Refused(_tenant, ""));
        Assert.Equal(OperationRefusal.InvalidInput, await Refused(_tenant, "c1", " "));
        Assert.Equal(2, await Store.GetHead(_tenant, default));
        Assert.Equal(["ann@example.com", "bob@example.com"], await EmailsRead());

        await Ops.ForgetSubject(_tenant, "c1", "erasure", default);
        var message = (await Assert.ThrowsAsync<OperationRefusedException>(() => Ops.ForgetSubject(_tenant, "c1", "again", default))).Message;
        Assert.Contains(_tenant, message);
        Assert.Contains("'c1'", message);
        Assert.Equal(3, await Store.GetHead(_tenant, default));
    }

    [Fact]
    public async Task an_append_refused_for_bad_input_creates_no_key_for_the_subjects_it_names()
    {
        var refusedType = new ProposedEvent(Guid.CreateVersion7(), new EventData("", [], "customer-c7", "{}", 1), EventMetadata.Empty);

        var invalid = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Store.Append(AppendRequest.Of(_tenant, Registered("c7", "zoe@example.com"), refusedType), default));

        Assert.Equal("events[1].Type", invalid.Field);
        Assert.Equal(OperationRefusal.UnknownSubject,
            (await Assert.ThrowsAsync<OperationRefusedException>(() => Ops.ForgetSubject(_tenant, "c7", "erasure", default))).Refusal);
        Assert.Equal(2, await Store.GetHead(_tenant, default));
    }

    [Fact]
    public async Task forgetting_without_crypto_shredding_is_refused_as_off()
    {
        var plain = Build(shredding: false);
        await using var disposePlain = (IAsyncDisposable)plain;
        await plain.Services.GetRequiredService<IEventStore>().Append(AppendRequest.Of(_tenant, Registered("c9", "x@example.com")), default);
        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            plain.Services.GetRequiredService<HybridOperations>().ForgetSubject(_tenant, "c9", "erasure", default));
        Assert.Equal(OperationRefusal.ShreddingOff, refused.Refusal);
    }
}
