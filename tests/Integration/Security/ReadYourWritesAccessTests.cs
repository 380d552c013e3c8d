using System.Net;
using System.Text.Json;
using Hybrid.Tests.Integration.Sample;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Security;

/// <summary>
/// Read-your-writes answers only views the caller may read. Regression: any command a caller could run answered, with
/// <c>?waitMs=…&amp;views=billing</c>, the raw state of any read model, so a member read the invoices the
/// <c>invoices</c> query refuses them (403). Now a view is answered when the command names it for its payload or its
/// model admits the caller (<c>ReadModel.readableBy</c>); otherwise the request is a 403 and the command does not run.
/// </summary>
public sealed class ReadYourWritesAccessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-ryw-access-");
    private RunningSampleServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningSampleServer.StartAsync(null, "ryw-access", _temp.FullName, output);
        var (status, _) = await _server.Post("/commands/InviteCustomer", new { customerId = "c-1", email = "zoe@example.com" }, "acme", "boss", "member,admin");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private async Task<long> Head() => await _server.Store.GetHead("acme", default);

    [Fact]
    public async Task a_member_cannot_read_the_billing_model_through_views_and_the_command_does_not_run()
    {
        var (query, _) = await _server.Post("/queries/invoices", new { limit = 10 }, "acme", "ann", "member");
        Assert.Equal(HttpStatusCode.Forbidden, query);
        var before = await Head();

        var (status, body) = await _server.Post("/commands/CreateList?waitMs=2000&views=todo-lists,billing", new { listId = "l1", name = "L" }, "acme", "ann", "member");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("unauthorized", body.GetProperty("outcome").GetString());
        Assert.Contains("'billing'", body.GetProperty("detail").GetString());
        Assert.False(body.TryGetProperty("views", out _));
        Assert.Equal(before, await Head());
    }

    [Fact]
    public async Task views_whose_model_admits_the_caller_are_answered_fresh()
    {
        var (member, memberBody) = await _server.Post("/commands/CreateList?waitMs=5000&views=todo-lists", new { listId = "l2", name = "Two" }, "acme", "ann", "member");
        Assert.Equal(HttpStatusCode.OK, member);
        Assert.Equal("Two", memberBody.GetProperty("views").GetProperty("todo-lists").GetProperty("l2").GetProperty("name").GetString());

        var (admin, adminBody) = await _server.Post("/commands/CreateList?waitMs=5000&views=billing", new { listId = "l3", name = "Three" }, "acme", "boss", "admin");
        Assert.Equal(HttpStatusCode.OK, admin);
        Assert.Equal(JsonValueKind.Object, adminBody.GetProperty("views").GetProperty("billing").ValueKind);
    }
}
