using Hybrid.Shell.Postgres;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// Pins the plan, not the time, of the condition query: the statement the store runs for a fail-if-events-match check
/// must walk the btree ranges of its tags in event_tags with a plan made for the actual tags, also after it ran often
/// enough for PostgreSQL to switch a cached statement to a generic plan (which cannot see the tags and scans the tenant's log).
/// The nested statement's plan is captured with auto_explain.
/// </summary>
public sealed class ConditionPlanTests
{
    [Fact]
    public async Task the_condition_query_walks_the_tag_ranges_with_a_custom_plan_after_repeated_executions()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        for (var batch = 0; batch < 6; batch++)
            await store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(0, 500)
                .Select(i => Event(i % 2 == 0 ? "Even" : "Odd", null, $"customer:{(batch * 500 + i) % 400}", $"region:{i % 5}")).ToArray())), default);
        await using var connection = await Sql.OpenAsync(admin);
        await connection.ExecuteAsync("ANALYZE hybrid.events");
        await connection.ExecuteAsync("ANALYZE hybrid.event_tags");

        var plans = new List<string>();
        await using var tx = await ExplainingNestedStatements(connection, tenant, plans);

        var parameters = new NpgsqlCommand().Parameters;
        parameters.AddWithValue("tenant", tenant);
        var sql = Hybrid.Shell.Postgres.Sql.QueryFilter.Exists("hybrid", EventQuery.OfTags("customer:7", "region:2"), 100, parameters, "q");
        for (var i = 0; i < 8; i++)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (NpgsqlParameter p in parameters) command.Parameters.Add(p.Clone());
            Assert.Equal(true, await command.ExecuteScalarAsync());
        }

        string nested;
        lock (plans) nested = plans.Last(p => p.Contains("e.position FROM hybrid.event_tags"));
        Assert.True(nested.Contains("event_tags_pkey"), nested);
        Assert.DoesNotContain("Seq Scan", nested);
        Assert.DoesNotContain("$1", nested);
        Assert.Contains("customer:7", nested);
    }

    [Fact]
    public async Task a_condition_over_a_long_group_tag_and_a_new_unique_tag_runs_no_query_over_the_group()
    {
        var (admin, tenant) = await GroupWithHistory(600);
        await using var connection = await Sql.OpenAsync(admin);
        var plans = new List<string>();
        await using var tx = await ExplainingNestedStatements(connection, tenant, plans);

        // The DCB shape: the group's whole history lies after the condition's position, the unique tag is new. The
        // planner used to walk the group's range backward and probe the unique tag at each of its 600 positions.
        for (var i = 0; i < 8; i++)
            Assert.Equal(false, await Exists(connection, tenant, EventQuery.OfTags("group:g", $"item:new-{i}"), after: 0));

        lock (plans) Assert.DoesNotContain(plans, p => p.Contains("FROM hybrid.event_tags e"));
    }

    [Fact]
    public async Task a_condition_over_one_tag_with_nothing_after_its_position_runs_no_query_and_one_with_matches_still_finds_them()
    {
        var (admin, tenant) = await GroupWithHistory(600);
        await using var connection = await Sql.OpenAsync(admin);
        var plans = new List<string>();
        await using var tx = await ExplainingNestedStatements(connection, tenant, plans);

        // A command's migration marker check: one tag, nothing since the position. It used to build, plan and run the
        // tag's query on every append; a one-row probe of the tag's range now answers it.
        for (var i = 0; i < 8; i++)
            Assert.Equal(false, await Exists(connection, tenant, EventQuery.OfTags("migration:todo"), after: 0));
        Assert.Equal(false, await Exists(connection, tenant, EventQuery.OfTags("group:g"), after: 600));
        lock (plans) Assert.DoesNotContain(plans, p => p.Contains("FROM hybrid.event_tags e"));

        Assert.Equal(true, await Exists(connection, tenant, EventQuery.OfTags("group:g"), after: 599));
        Assert.Equal(true, await Exists(connection, tenant, EventQuery.OfTags("item:17"), after: 16));
        Assert.Equal(false, await Exists(connection, tenant, EventQuery.OfTags("item:17"), after: 17));
    }

    [Fact]
    public async Task a_condition_over_a_long_group_tag_and_a_rare_tag_walks_the_rare_tag_and_probes_the_group()
    {
        var (admin, tenant) = await GroupWithHistory(600);
        await using var connection = await Sql.OpenAsync(admin);
        var plans = new List<string>();
        await using var tx = await ExplainingNestedStatements(connection, tenant, plans);

        for (var i = 0; i < 8; i++)
            Assert.Equal(true, await Exists(connection, tenant, EventQuery.OfTags("group:g", "item:17"), after: 0));
        Assert.Equal(false, await Exists(connection, tenant, EventQuery.OfTags("group:g", "item:17"), after: 18));

        string nested;
        lock (plans) nested = plans.Last(p => p.Contains("FROM hybrid.event_tags e"));
        Assert.Contains("e.tag = 'item:17'", nested);
        Assert.All(RowCounts(nested), rows => Assert.True(rows <= 1, nested));
    }

    /// <summary>A tenant whose events 1..n all carry group:g and a unique item:k tag.</summary>
    private static async Task<(string Admin, string Tenant)> GroupWithHistory(int events)
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(1, events).Select(k => Event("Added", null, "group:g", $"item:{k}")).ToArray())), default);
        await using var connection = await Sql.OpenAsync(admin);
        await connection.ExecuteAsync("ANALYZE hybrid.event_tags");
        return (admin, tenant);
    }

    /// <summary>Runs the store's fail-if-events-match check of the query after the position.</summary>
    private static async Task<object?> Exists(NpgsqlConnection connection, string tenant, EventQuery query, long after)
    {
        var parameters = new NpgsqlCommand().Parameters;
        parameters.AddWithValue("tenant", tenant);
        await using var command = new NpgsqlCommand(Hybrid.Shell.Postgres.Sql.QueryFilter.Exists("hybrid", query, after, parameters, "q"), connection);
        foreach (NpgsqlParameter p in parameters) command.Parameters.Add(p.Clone());
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task a_paged_read_of_common_types_walks_the_type_index_in_order_instead_of_every_match_of_the_gin_key()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        for (var batch = 0; batch < 6; batch++)
            await store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(0, 500)
                .Select(i => Event(i % 3 == 0 ? "Odd" : "Even", null, $"customer:{i % 40}")).ToArray())), default);
        await using var connection = await Sql.OpenAsync(admin);

        var plans = new List<string>();
        await using var tx = await ExplainingNestedStatements(connection, tenant, plans);

        var parameters = new NpgsqlCommand().Parameters;
        parameters.AddWithValue("tenant", tenant);
        var page = EventQuery.OfTypes("Even", "Odd").AfterPosition(1_000).Take(50);
        await using (var command = new NpgsqlCommand(Hybrid.Shell.Postgres.Sql.QueryFilter.Select("hybrid", page, parameters, "q"), connection))
        {
            foreach (NpgsqlParameter p in parameters) command.Parameters.Add(p.Clone());
            var positions = new List<long>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) positions.Add(reader.GetInt64(reader.GetOrdinal("position")));
            Assert.Equal(Enumerable.Range(1_001, 50).Select(i => (long)i), positions);
        }

        string nested;
        lock (plans) nested = plans.Last(p => p.Contains("e.position FROM hybrid.events"));
        Assert.True(nested.Contains("events_type_position"), nested);
        Assert.DoesNotContain("event_tags", nested);
        Assert.DoesNotContain("Bitmap", nested);
        var outer = await Explain(connection, Hybrid.Shell.Postgres.Sql.QueryFilter.Select("hybrid", page, parameters, "q"), parameters);
        Assert.All(RowCounts(outer), rows => Assert.True(rows <= 50, outer));
    }

    [Fact]
    public async Task a_page_of_the_whole_log_touches_no_more_rows_than_the_page_even_before_statistics_exist()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        for (var batch = 0; batch < 6; batch++)
            await store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(0, 500).Select(i => Event("Even", null, $"customer:{i}")).ToArray())), default);
        await using var connection = await Sql.OpenAsync(admin);
        await using var tx = await InTenant(connection, tenant);

        var parameters = new NpgsqlCommand().Parameters;
        parameters.AddWithValue("tenant", tenant);
        var plan = await Explain(connection, Hybrid.Shell.Postgres.Sql.QueryFilter.Select("hybrid", EventQuery.All.AfterPosition(100).Take(50), parameters, "q"), parameters);

        Assert.Contains("rows=50 loops=1", plan);
        Assert.All(RowCounts(plan), rows => Assert.True(rows <= 50, plan));
    }

    /// <summary>A transaction scoped to the tenant, as the store's statements run.</summary>
    private static async Task<NpgsqlTransaction> InTenant(NpgsqlConnection connection, string tenant)
    {
        var tx = await connection.BeginTransactionAsync();
        await connection.ScalarAsync("SELECT set_config('hybrid.tenant', @t, true)", ("t", tenant));
        return tx;
    }

    /// <summary>A tenant transaction in which auto_explain reports the plans of nested statements (as run) to <paramref name="plans"/>.</summary>
    private static async Task<NpgsqlTransaction> ExplainingNestedStatements(NpgsqlConnection connection, string tenant, List<string> plans)
    {
        connection.Notice += (_, e) => { lock (plans) plans.Add($"{e.Notice.MessageText}\n{e.Notice.Detail}"); };
        var tx = await InTenant(connection, tenant);
        await connection.ExecuteAsync("LOAD 'auto_explain'");
        await connection.ExecuteAsync("SET LOCAL auto_explain.log_min_duration = 0; SET LOCAL auto_explain.log_analyze = on; " +
            "SET LOCAL auto_explain.log_nested_statements = on; SET LOCAL client_min_messages = log");
        return tx;
    }

    /// <summary>The statement's plan as run (EXPLAIN ANALYZE), with the same parameters.</summary>
    private static async Task<string> Explain(NpgsqlConnection connection, string sql, NpgsqlParameterCollection parameters)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE) " + sql, connection);
        foreach (NpgsqlParameter p in parameters) command.Parameters.Add(p.Clone());
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    private static IEnumerable<long> RowCounts(string plan) =>
        System.Text.RegularExpressions.Regex.Matches(plan, @"actual time=[0-9.]+\.\.[0-9.]+ rows=(\d+)").Select(m => long.Parse(m.Groups[1].Value));
}
