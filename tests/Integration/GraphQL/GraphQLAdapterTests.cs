using System.Net;
using System.Text.Json;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.Integration.Sample;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.GraphQL;

/// <summary>
/// The sample's GraphQL endpoint (generated from its registry, mapped beside the HTTP API) end to end: a real HTTP
/// client against Kestrel on 127.0.0.1, PostgreSQL behind it. Mutations are commands and queries queries, with the
/// HTTP adapter's caller resolution and authorization; outcomes are data or errors with codes.
/// </summary>
public sealed class GraphQLAdapterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-graphql-");
    private RunningSampleServer _server = null!;
    private GraphQLClient _client = null!;

    public async Task InitializeAsync()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_graphql");
        _server = await RunningSampleServer.StartAsync(database, "graphql-test", Path.Combine(_temp.FullName, "lmdb"), output);
        _client = new GraphQLClient(_server.Http);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private const string CreateList = """
        mutation($id: String, $name: String) { createList(input: { listId: $id, name: $name }) { position events { type stream streamVersion } } }
        """;

    [Fact]
    public async Task a_mutation_runs_the_command_and_a_query_answers_with_the_typed_read_model()
    {
        var (status, body) = await _client.Send(CreateList, new { id = "groceries", name = "Groceries" });
        Assert.Equal(HttpStatusCode.OK, status);
        var created = body.GetProperty("data").GetProperty("createList");
        var e = Assert.Single(created.GetProperty("events").EnumerateArray());
        Assert.Equal(("ListCreated", "todolist-groceries", 1), (e.GetProperty("type").GetString(), e.GetProperty("stream").GetString(), e.GetProperty("streamVersion").GetInt32()));
        (_, body) = await _client.Send("""mutation { addItem(input: { listId: "groceries", text: "Milk" }) { position } }""");
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());

        var (_, answer) = await _client.Send("""{ lists(input: { limit: 10 }) { id name owner openCount items { id text done } } }""");
        var lists = answer.GetProperty("data").GetProperty("lists");
        var list = Assert.Single(lists.EnumerateArray());
        Assert.Equal(("groceries", "Groceries", "ann", 1), (list.GetProperty("id").GetString(), list.GetProperty("name").GetString(),
            list.GetProperty("owner").GetString(), list.GetProperty("openCount").GetInt32()));
        Assert.Equal("Milk", Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task outcomes_that_are_not_data_are_errors_with_codes_and_the_http_adapters_details()
    {
        await _client.Send(CreateList, new { id = "chores", name = "Chores" });

        var (status, rejected) = await _client.Send(CreateList, new { id = "chores", name = "Again" });
        Assert.Equal((HttpStatusCode.OK, "REJECTED"), (status, GraphQLClient.ErrorCode(rejected)));
        Assert.Contains("already exists", rejected.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, rejected.GetProperty("data").GetProperty("createList").ValueKind);

        var (_, denied) = await _client.Send(CreateList, new { id = "x", name = "X" }, actor: "dan", roles: "viewer");
        Assert.Equal("DENIED", GraphQLClient.ErrorCode(denied));

        var (_, stale) = await _client.Send("""mutation { renameList(input: { listId: "chores", name: "New" }, expectedVersion: 7) { position } }""");
        Assert.Equal("PRECONDITION_FAILED", GraphQLClient.ErrorCode(stale));
        Assert.Equal(1, stale.GetProperty("errors")[0].GetProperty("extensions").GetProperty("actualVersion").GetInt32());

        var (_, invalid) = await _client.Send("""mutation { addItem(input: { listId: "chores", text: "x" }, commandId: "not-a-guid") { position } }""");
        Assert.Equal("INVALID", GraphQLClient.ErrorCode(invalid));
        Assert.Equal("commandId", invalid.GetProperty("errors")[0].GetProperty("extensions").GetProperty("field").GetString());
        var (_, empty) = await _client.Send("""mutation { addItem(input: { listId: "chores", text: "x" }, commandId: "00000000-0000-0000-0000-000000000000") { position } }""");
        Assert.Equal("INVALID", GraphQLClient.ErrorCode(empty));
        Assert.Equal("commandId", empty.GetProperty("errors")[0].GetProperty("extensions").GetProperty("field").GetString());

        var (_, noTenant) = await _client.Send("""{ lists(input: { limit: 1 }) { id } }""", tenant: null);
        Assert.Equal("INVALID", GraphQLClient.ErrorCode(noTenant));
        Assert.Equal("X-Tenant", noTenant.GetProperty("errors")[0].GetProperty("extensions").GetProperty("field").GetString());

        var (_, admins) = await _client.Send("""{ invoices(input: { limit: 1 }) { period } }""", actor: "bob", roles: "member");
        Assert.Equal("DENIED", GraphQLClient.ErrorCode(admins));
        Assert.Equal(1L, await _server.Store.GetHead("acme", default)); // only the first ListCreated was written
    }

    [Fact]
    public async Task a_command_resent_with_its_command_id_writes_once_and_answers_with_the_same_events()
    {
        var id = Guid.NewGuid().ToString();
        const string mutation = """mutation($id: ID) { createList(input: { listId: "once", name: "Once" }, commandId: $id) { events { id position } } }""";
        var (_, first) = await _client.Send(mutation, new { id });
        var (_, again) = await _client.Send(mutation, new { id });

        Assert.False(again.TryGetProperty("errors", out _), again.ToString());
        Assert.Equal(first.GetProperty("data").ToString(), again.GetProperty("data").ToString());
        Assert.Equal(1L, await _server.Store.GetHead("acme", default));
    }

    [Fact]
    public async Task malformed_documents_unknown_fields_and_bodies_that_are_not_requests_get_400_and_write_nothing()
    {
        var (status, syntax) = await _client.Send("mutation { createList(input: { listId: ");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SYNTAX_ERROR", GraphQLClient.ErrorCode(syntax));
        Assert.False(syntax.TryGetProperty("data", out _));

        (status, var unknownField) = await _client.Send("""{ lists(input: { limit: 1 }) { id colour } }""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("colour", unknownField.GetProperty("errors")[0].GetProperty("message").GetString());

        (status, var unknownInput) = await _client.Send("""mutation { createList(input: { listId: "a", nmae: "typo" }) { position } }""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("nmae", unknownInput.GetProperty("errors")[0].GetProperty("message").GetString());

        (status, var notJson) = await _client.SendRaw("{ this is not json");
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID"), (status, GraphQLClient.ErrorCode(notJson)));

        (status, var noQuery) = await _client.SendRaw("""{"variables":{}}""");
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID"), (status, GraphQLClient.ErrorCode(noQuery)));

        Assert.Equal(0L, await _server.Store.GetHead("acme", default));
    }

    [Fact]
    public async Task introspection_describes_every_command_and_query_with_types_from_their_json_shapes_without_a_tenant()
    {
        var (status, body) = await _client.Send("""
            { __schema { queryType { fields { name type { name kind ofType { name } } } } mutationType { fields { name args { name type { kind ofType { name } } } } } }
              list: __type(name: "TodoListView") { fields { name type { kind name ofType { name } } } }
              input: __type(name: "CreateListInput") { inputFields { name type { name } } } }
            """, tenant: null, actor: null, roles: null);

        Assert.Equal(HttpStatusCode.OK, status);
        var schema = body.GetProperty("data").GetProperty("__schema");
        var mutations = schema.GetProperty("mutationType").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["addItem", "clearCompleted", "completeItem", "createList", "deleteItem", "deleteList", "inviteCustomer", "renameList"], mutations);
        var queries = schema.GetProperty("queryType").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["customers", "invoices", "leaderboard", "list", "lists"], queries);
        var listFields = body.GetProperty("data").GetProperty("list").GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type"));
        Assert.Equal(["id", "name", "owner", "items", "openCount", "doneCount"], listFields.Keys);
        Assert.Equal("Int", listFields["openCount"].GetProperty("ofType").GetProperty("name").GetString());
        Assert.Equal("LIST", listFields["items"].GetProperty("kind").GetString());
        var inputs = body.GetProperty("data").GetProperty("input").GetProperty("inputFields").EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString(), f.GetProperty("type").GetProperty("name").GetString())).ToArray();
        Assert.Equal([("listId", "String"), ("name", "String")], inputs);
    }
}
