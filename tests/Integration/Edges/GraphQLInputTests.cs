using System.Text.Json;
using Hybrid.Shell.GraphQL;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// GraphQL arguments meet the core's rules, as HTTP requests do: a string holding a lone UTF-16 surrogate (in the query
/// text or in a variable) is an INVALID error naming the field, with the message HTTP answers, and writes nothing; a
/// negative expectedVersion is refused by the core's expected-version rule, with HTTP's message. The body is read as
/// HTTP reads one: not JSON is a 415, too large a 413. A document past the limits of depth, fields (aliases and
/// fragment spreads counted) or fragment nesting is a 400 INVALID naming the query before it is validated or run; the
/// standard introspection query is inside them.
/// </summary>
public sealed class GraphQLInputTests : IAsyncLifetime
{
    private EdgeServer _server = null!;

    public async Task InitializeAsync() => _server = await EdgeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> SingleError(string body, int expectedStatus = 200)
    {
        var (status, answer, _) = await _server.Send(HttpMethod.Post, "/graphql", body);
        Assert.True(expectedStatus == status, answer.ToString());
        return Assert.Single(answer.GetProperty("errors").EnumerateArray());
    }

    private async Task<string> HttpMessage(string path, string json)
    {
        var (status, body, _) = await _server.Post(path, json);
        Assert.Equal(400, status);
        return body.GetProperty("detail").GetString()!;
    }

    private const string Surrogate = "\\ud800";

    [Fact]
    public async Task a_lone_surrogate_in_the_query_text_is_invalid_naming_the_field_with_https_message()
    {
        // The JSON string holds \\ud800: the GraphQL string literal "\ud800", one lone surrogate.
        var error = await SingleError($$$"""{"query":"mutation { registerCustomer(input: { customerId: \"c1\", email: \"a@b.org\", name: \"\\{{{Surrogate[1..]}}}\" }) { position } }"}""");
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", "name"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
        Assert.Equal(await HttpMessage("/commands/RegisterCustomer", $$$"""{"customerId":"c1","email":"a@b.org","name":"{{{Surrogate}}}"}"""),
            error.GetProperty("message").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_lone_surrogate_escaped_in_the_json_of_the_query_is_invalid_naming_the_field()
    {
        var error = await SingleError($$$"""{"query":"mutation { registerCustomer(input: { customerId: \"c1\", email: \"a@b.org\", name: \"{{{Surrogate}}}\" }) { position } }"}""");
        Assert.Equal(("INVALID", "name"), (error.GetProperty("extensions").GetProperty("code").GetString(), error.GetProperty("extensions").GetProperty("field").GetString()));
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_lone_surrogate_in_a_variable_is_invalid_naming_the_field_not_a_malformed_request()
    {
        var error = await SingleError($$$"""
            {"query":"mutation($n: String) { registerCustomer(input: { customerId: \"c1\", email: \"a@b.org\", name: $n }) { position } }",
             "variables":{"n":"x{{{Surrogate}}}y"}}
            """);
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", "name"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
        Assert.Contains("surrogate", error.GetProperty("message").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task variables_with_whole_surrogate_pairs_and_escapes_still_run()
    {
        var (status, answer, _) = await _server.Send(HttpMethod.Post, "/graphql", """
            {"query":"mutation($n: String, $by: Int) { registerCustomer(input: { customerId: \"c1\", email: \"a@b.org\", name: $n }) { position } increment(input: { counterId: \"c\", by: $by }) { position } }",
             "variables":{"n":"Zo\u00eb \ud83d\ude00 \"q\"", "by": 2}}
            """);
        Assert.Equal(200, status);
        Assert.False(answer.TryGetProperty("errors", out _), answer.ToString());
    }

    [Fact]
    public async Task a_negative_expected_version_is_refused_by_the_cores_rule_with_https_message()
    {
        var error = await SingleError("""{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }, expectedVersion: -1) { position } }"}""");
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", "expectedVersion"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
        var http = await HttpMessage("/commands/Increment?expectedVersion=-1", """{"counterId":"c","by":1}""");
        Assert.Equal(http, error.GetProperty("message").GetString());
        Assert.Contains("must be 0 or more", http);
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task a_command_id_that_is_not_one_is_refused_by_the_cores_rule_with_https_message_but_the_field(string id)
    {
        // Regression: GraphQL said "'x' is not a GUID." where HTTP said "'x' is not a command id: give a non-empty GUID.".
        var error = await SingleError($$"""{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }, commandId: \"{{id}}\") { position } }"}""");
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", "commandId"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
        var (status, body, _) = await _server.Post("/commands/Increment", """{"counterId":"c","by":1}""",
            request => request.Headers.TryAddWithoutValidation("X-Command-Id", id));
        Assert.Equal((400, "X-Command-Id"), (status, body.GetProperty("field").GetString()));
        Assert.Equal(body.GetProperty("detail").GetString()!.Replace("X-Command-Id", "commandId", StringComparison.Ordinal), error.GetProperty("message").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_query_parameter_is_a_400_invalid_naming_it_as_over_http_and_nothing_runs()
    {
        // Regression: /graphql?anything=… was ignored, where every HTTP endpoint names it.
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql?operation=x",
            """{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }) { position } }"}""");
        Assert.Equal(400, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(("INVALID", "operation"), (error.GetProperty("extensions").GetProperty("code").GetString(), error.GetProperty("extensions").GetProperty("field").GetString()));
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_content_encoded_body_is_a_415_naming_the_encoding_as_over_http()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", """{"query":"{ __typename }"}""",
            configure: request => request.Content!.Headers.ContentEncoding.Add("br"));
        Assert.Equal(415, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("Content-Encoding", error.GetProperty("extensions").GetProperty("field").GetString());
    }

    [Fact]
    public async Task a_subscription_which_the_schema_does_not_serve_is_a_400_with_errors_only()
    {
        // Regression: answered 200, as if it had run.
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", """{"query":"subscription { counterTotal { total } }"}""");
        Assert.Equal(400, status);
        Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.False(body.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null, body.ToString());
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415_and_one_too_large_a_413()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", null, configure: r =>
            r.Content = new StringContent("""{"query":"{ __typename }"}""", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(415, status);
        Assert.Equal("Content-Type", Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("extensions").GetProperty("field").GetString());

        (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", "{\"query\":\"{ __typename }\",\"variables\":{\"x\":\"" + new string('a', 2 << 20) + "\"}}");
        Assert.Equal(413, status);
        Assert.Equal("body", Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("extensions").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"query\":", "body")]
    [InlineData("[1]", "body")]
    [InlineData("{\"query\":5}", "query")]
    [InlineData("{\"variables\":{}}", "query")]
    [InlineData("{\"query\":\"{ __typename }\",\"operationName\":5}", "operationName")]
    [InlineData("{\"query\":\"{ __typename }\",\"variables\":[1]}", "variables")]
    [InlineData("{\"query\":\"{ __typename }\",\"extensions\":\"x\"}", "extensions")]
    public async Task a_body_that_is_not_a_graphql_request_is_a_400_invalid_naming_the_member(string body, string field)
    {
        var error = await SingleError(body, 400);
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", field), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task a_defect_is_an_internal_error_showing_only_a_trace_id()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/defective/graphql",
            """{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }) { position } }"}""");
        Assert.Equal(200, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("INTERNAL", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains("trace id", error.GetProperty("message").GetString());
        Assert.DoesNotContain("secret", body.GetRawText());
        Assert.DoesNotContain("InvalidOperation", body.GetRawText());
    }

    [Theory]
    [InlineData("/retyping/graphql", "events[0].type")]
    [InlineData("/bad-condition/graphql", "condition.query.items[0].tags[1]")]
    public async Task a_field_the_store_refuses_is_named_as_the_requests_json_names_fields_as_http_names_it(string path, string field)
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, path,
            """{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }) { position } }"}""");
        Assert.Equal(200, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", field), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
        Assert.Contains($"{field}: ", error.GetProperty("message").GetString());
        Assert.DoesNotContain(".Type", body.GetRawText());
        Assert.DoesNotContain(".Items", body.GetRawText());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_store_that_cannot_be_reached_is_unavailable_with_retry_after_and_keeps_the_drivers_message_to_itself()
    {
        var (status, body, response) = await _server.Send(HttpMethod.Post, "/unreachable/graphql",
            """{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }) { position } }"}""");
        Assert.Equal(200, status); // executed: the error says what happened, Retry-After when to come back
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("UNAVAILABLE", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain("secret", body.GetRawText());
        Assert.DoesNotContain("10.0.0.5", body.GetRawText());
    }

    [Fact]
    public async Task a_document_nested_deeper_than_the_parser_allows_is_a_400_invalid_naming_the_query_not_a_defect()
    {
        var nested = string.Concat(Enumerable.Repeat("a{", 500)) + "b" + new string('}', 500);
        var error = await SingleError(JsonSerializer.Serialize(new { query = "{" + nested + "}" }), 400);
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", "query"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
        Assert.Contains("nests deeper", error.GetProperty("message").GetString());
    }

    /// <summary>The introspection query GraphiQL and client generators send (types, fields, arguments, type references seven deep).</summary>
    private const string IntrospectionQuery = """
        query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
          types { ...FullType } directives { name description locations args { ...InputValue } } } }
        fragment FullType on __Type { kind name description
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue } interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
          ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
        """;

    [Fact]
    public async Task the_standard_introspection_query_stays_inside_the_depth_and_field_limits()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", JsonSerializer.Serialize(new { query = IntrospectionQuery }));
        Assert.True(status == 200, body.ToString());
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        Assert.True(body.GetProperty("data").GetProperty("__schema").GetProperty("types").GetArrayLength() > 10);
    }

    [Fact]
    public async Task a_selection_nested_deeper_than_twenty_fields_is_refused_before_anything_runs()
    {
        var deep = "{ __schema { types { " + string.Concat(Enumerable.Repeat("ofType { ", 25)) + "name" + new string('}', 25) + " } } }";
        var error = await SingleError(JsonSerializer.Serialize(new { query = deep }), 400);
        Assert.Contains("depth", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        AssertInvalidQuery(error);
    }

    private static void AssertInvalidQuery(JsonElement error)
    {
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID", "query"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("field").GetString()));
    }

    private static string Aliased(int count, string field) =>
        "{" + string.Join(" ", Enumerable.Range(0, count).Select(i => $"a{i}: {field}")) + "}";

    [Fact]
    public async Task a_document_of_fifty_thousand_aliased_fields_is_a_400_invalid_naming_the_query()
    {
        var error = await SingleError(JsonSerializer.Serialize(new { query = Aliased(50_000, "__typename") }), 400);
        AssertInvalidQuery(error);
        Assert.Contains($"at most {GraphQLLimits.MaxFields} fields", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_document_of_exactly_the_field_limit_runs_and_one_field_more_is_refused()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", JsonSerializer.Serialize(new { query = Aliased(GraphQLLimits.MaxFields, "__typename") }));
        Assert.True(status == 200, body.ToString()[..Math.Min(300, body.ToString().Length)]);
        Assert.Equal(GraphQLLimits.MaxFields, body.GetProperty("data").EnumerateObject().Count());
        AssertInvalidQuery(await SingleError(JsonSerializer.Serialize(new { query = Aliased(GraphQLLimits.MaxFields + 1, "__typename") }), 400));
    }

    [Fact]
    public async Task the_fields_of_all_operations_count_together_whichever_one_is_named()
    {
        var half = Aliased(GraphQLLimits.MaxFields / 2 + 1, "__typename");
        var body = JsonSerializer.Serialize(new { query = $"query One {half}\nquery Two {half}", operationName = "One" });
        AssertInvalidQuery(await SingleError(body, 400));
    }

    [Fact]
    public async Task twenty_thousand_fields_of_one_name_are_refused_before_validation_compares_them_pairwise()
    {
        var same = "{" + string.Concat(Enumerable.Repeat("__typename ", 20_000)) + "}";
        AssertInvalidQuery(await SingleError(JsonSerializer.Serialize(new { query = same }), 400));
    }

    [Fact]
    public async Task fields_of_a_fragment_count_each_time_it_is_spread_so_a_doubling_chain_of_fragments_is_refused()
    {
        // 26 fragments, each spreading the one before twice: 2^25 selections from a document of a kilobyte.
        var fragments = "fragment F0 on Query { __typename }\n" +
                        string.Join("\n", Enumerable.Range(1, 25).Select(i => $"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}"));
        var error = await SingleError(JsonSerializer.Serialize(new { query = "{ ...F25 }\n" + fragments }), 400);
        AssertInvalidQuery(error);
        Assert.Contains("fields", error.GetProperty("message").GetString());
    }

    private static string Chain(int fragments) =>
        "fragment F0 on Query { __typename }\n" +
        string.Join("\n", Enumerable.Range(1, fragments - 1).Select(i => $"fragment F{i} on Query {{ ...F{i - 1} }}"));

    [Fact]
    public async Task fragments_spread_inside_fragments_up_to_the_limit_run_and_one_deeper_is_refused()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql",
            JsonSerializer.Serialize(new { query = $"{{ ...F{GraphQLLimits.MaxFragmentDepth - 1} }}\n" + Chain(GraphQLLimits.MaxFragmentDepth) }));
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Query", body.GetProperty("data").GetProperty("__typename").GetString());

        var error = await SingleError(JsonSerializer.Serialize(new { query = $"{{ ...F{GraphQLLimits.MaxFragmentDepth} }}\n" + Chain(GraphQLLimits.MaxFragmentDepth + 1) }), 400);
        AssertInvalidQuery(error);
        Assert.Contains("fragments inside fragments", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_long_chain_of_fragments_is_refused_even_unused_before_validation_follows_it_by_recursion()
    {
        // Validation follows every fragment's spreads by recursion: a chain of a few thousand overflowed the stack
        // and ended the server. Three hundred show the limit without risking the test host when it is gone.
        AssertInvalidQuery(await SingleError(JsonSerializer.Serialize(new { query = "{ __typename }\n" + Chain(300) }), 400));
        AssertInvalidQuery(await SingleError(JsonSerializer.Serialize(new { query = "{ ...F299 }\n" + Chain(300) }), 400));
    }

    [Fact]
    public async Task aliased_commands_past_the_field_limit_are_refused_whole_and_write_nothing()
    {
        var calls = GraphQLLimits.MaxFields / 7 + 1; // each call is seven fields: itself, position, events and four of an event's
        var many = "mutation {" + string.Join(" ", Enumerable.Range(0, calls).Select(i =>
            $"a{i}: increment(input: {{ counterId: \"c\", by: 1 }}) {{ position events {{ id position stream type }} }}")) + "}";
        AssertInvalidQuery(await SingleError(JsonSerializer.Serialize(new { query = many }), 400));
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_document_asking_for_more_than_a_hundred_commands_runs_a_hundred_and_refuses_the_rest_naming_the_query()
    {
        var many = "mutation {" + string.Join(" ", Enumerable.Range(0, 150).Select(i => $"a{i}: increment(input: {{ counterId: \"c\", by: 1 }}) {{ position }}")) + "}";
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", JsonSerializer.Serialize(new { query = many }));
        Assert.Equal(200, status);
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(50, errors.Count);
        Assert.All(errors, e => Assert.Equal(("INVALID", "query"),
            (e.GetProperty("extensions").GetProperty("code").GetString(), e.GetProperty("extensions").GetProperty("field").GetString())));
        Assert.Equal(100, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }
}
