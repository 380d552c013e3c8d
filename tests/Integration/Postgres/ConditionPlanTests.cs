using Hybrid.Shell.Postgres;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// Pins the plan, not the time, of the condition query: the statement the store runs for a fail-if-events-match check
/// must reach the tenant-keyed GIN index with a plan made for the actual tags, also after it ran often enough for
/// PostgreSQL to switch a cached statement to a generic plan (which cannot see the tags and scans the tenant's log).
/// The nested statement's plan is captured with auto_explain.
/// </summary>
public sealed class ConditionPlanTests
{
    [Fact]
    public async Task the_condition_query_hits_the_gin_index_with_a_custom_plan_after_repeated_executions()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        for (var batch = 0; batch < 6; batch++)
            await store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(0, 500)
                .Select(i => Event(i % 2 == 0 ? "Even" : "Odd", null, $"customer:{(batch * 500 + i) % 400}", $"region:{i % 5}")).ToArray())), default);
        await using var connection = await Sql.OpenAsync(admin);
        await connection.ExecuteAsync("ANALYZE hybrid.events");

        var plans = new List<string>();
        connection.Notice += (_, e) => { lock (plans) plans.Add(e.Notice.Detail ?? e.Notice.MessageText); };
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ScalarAsync("SELECT set_config('hybrid.tenant', @t, true)", ("t", tenant));
        await connection.ExecuteAsync("LOAD 'auto_explain'");
        await connection.ExecuteAsync("SET LOCAL auto_explain.log_min_duration = 0; SET LOCAL auto_explain.log_nested_statements = on; SET LOCAL client_min_messages = log");

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
        lock (plans) nested = plans.Last(p => p.Contains("e.position FROM hybrid.events"));
        Assert.True(nested.Contains("events_keys"), nested);
        Assert.DoesNotContain("Seq Scan", nested);
        Assert.DoesNotContain("$1", nested);
        Assert.Contains($"{tenant}/#customer:7", nested);
    }
}
