using Hybrid.InMemory.EventStore;
using Hybrid.Sample;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.ReadModels;
using Microsoft.FSharp.Collections;
using static Hybrid.Sample.ReadModels;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>The sample's definitions end to end: the framework's command processor and read-model engine on the in-memory store.</summary>
public sealed class SampleCommandTests
{
    private readonly InMemoryEventStore _store = new();
    private readonly CommandProcessor _commands;
    private static readonly Caller Ann = new("acme", "ann", ["admin", "member"], "");

    public SampleCommandTests() =>
        _commands = new CommandProcessor(_store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry));

    private Task<CommandOutcome> Invite(string customer, string email) =>
        _commands.ExecuteAsync(Ann, "InviteCustomer", new Requests.InviteCustomer(customer, email));

    [Fact]
    public async Task a_second_invite_of_an_email_is_rejected_naming_it_and_writes_nothing()
    {
        Assert.True((await Invite("c-1", "zoe@example.com")).IsAccepted);

        var again = await Invite("c-2", "  ZOE@Example.com ");

        var rejected = Assert.IsType<CommandOutcome.Rejected>(again);
        Assert.Equal("'zoe@example.com' was already invited (customer c-1, by ann).", rejected.Item.Reason);
        Assert.Equal(1, await _store.GetHead("acme", CancellationToken.None));
    }

    [Theory]
    [InlineData("", "The email is empty.")]
    [InlineData("   ", "The email is empty.")]
    [InlineData("not-an-email", "'not-an-email' is not an email address.")]
    public async Task an_empty_or_malformed_email_is_rejected_with_a_clear_message_and_writes_nothing(string email, string reason)
    {
        var outcome = await Invite("c-1", email);

        Assert.Equal(reason, Assert.IsType<CommandOutcome.Rejected>(outcome).Item.Reason);
        Assert.Equal(0, await _store.GetHead("acme", CancellationToken.None));
    }

    [Fact]
    public async Task a_viewer_may_not_edit_lists_and_nothing_is_written()
    {
        var dan = new Caller("acme", "dan", ["viewer"], "");

        var outcome = await _commands.ExecuteAsync(dan, "CreateList", new Requests.CreateList("groceries", "Groceries"));

        Assert.Equal("'dan' may not edit todo lists in tenant 'acme'.", Assert.IsType<CommandOutcome.Unauthorized>(outcome).reason);
        Assert.Equal(0, await _store.GetHead("acme", CancellationToken.None));
    }

    [Fact]
    public async Task the_customers_read_model_marks_an_invited_customer_in_its_tenant_only()
    {
        await Invite("c-1", "Zoe@Example.com");
        var engine = new ReadModelEngine(_store, Definitions.registry);

        var acme = (FSharpMap<string, CustomerView>)(await engine.Read("acme", CustomersView.Name, "", CancellationToken.None)).State;
        var globex = (FSharpMap<string, CustomerView>)(await engine.Read("globex", CustomersView.Name, "", CancellationToken.None)).State;

        Assert.Equal("invited", acme["zoe@example.com"].Status);
        Assert.Equal("c-1", acme["zoe@example.com"].CustomerId);
        Assert.True(globex.IsEmpty);
    }

    [Fact]
    public async Task with_a_tenant_tag_key_the_email_tag_is_a_keyed_hash_never_the_address_and_uniqueness_still_holds()
    {
        var keys = new Hybrid.InMemory.Lifecycle.InMemorySubjectKeyStore();
        var tagKeys = new Hybrid.Shell.Lifecycle.SubjectStoreTagKeys(keys);
        var commands = new CommandProcessor(_store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry), tagKeys: tagKeys);
        Assert.True((await commands.ExecuteAsync(Ann, "InviteCustomer", new Requests.InviteCustomer("c-1", "Zoe@Example.com"))).IsAccepted);

        var invite = Assert.Single(await _store.Read("acme", EventQuery.OfTypes("CustomerInvited"), CancellationToken.None));
        var key = await tagKeys.KeyOf("acme", CancellationToken.None);
        Assert.Contains(KeyedTags.tag("email", key, "zoe@example.com"), invite.Tags);
        Assert.DoesNotContain(invite.Tags, t => t.Contains("zoe", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual(KeyedTags.tag("email", [], "zoe@example.com"), KeyedTags.tag("email", key, "zoe@example.com"));

        var again = await commands.ExecuteAsync(Ann, "InviteCustomer", new Requests.InviteCustomer("c-2", " zoe@EXAMPLE.com"));
        Assert.Equal("'zoe@example.com' was already invited (customer c-1, by ann).", Assert.IsType<CommandOutcome.Rejected>(again).Item.Reason);
        var globex = new Caller("globex", "gil", ["admin"], "");
        Assert.True((await commands.ExecuteAsync(globex, "InviteCustomer", new Requests.InviteCustomer("c-1", "zoe@example.com"))).IsAccepted);
        var other = Assert.Single(await _store.Read("globex", EventQuery.OfTypes("CustomerInvited"), CancellationToken.None));
        Assert.Empty(other.Tags.Intersect(invite.Tags.Where(t => t.StartsWith("email:", StringComparison.Ordinal))));
    }
}
