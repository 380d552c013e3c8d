using Hybrid.Shell.Postgres.Sql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// Pins the settings every store transaction starts with (TenantScope): the tenant for row-level security, and JIT off.
/// JIT compiled the condition check's plan once the tables were analysed at a few hundred thousand events (~5 ms of a
/// 0.4 ms query in the growth benchmark), which only a large store shows, so the setting itself is pinned here.
/// </summary>
public sealed class StoreTransactionSettingsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task store_transactions_set_the_tenant_and_turn_jit_off(bool customPlans)
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var connection = await Sql.OpenAsync(admin);
        Assert.Equal("on", await connection.ScalarAsync("SELECT current_setting('jit')"));

        await using var batch = TenantScope.Begin(connection, "tenant-a", customPlans: customPlans);
        batch.Add("tenant-a", "SELECT current_setting('jit') || ' ' || current_setting('hybrid.tenant') || ' ' || current_setting('plan_cache_mode') || ' ' || @tenant");
        await using var reader = await batch.ReadAsync(default);
        Assert.True(await reader.ReadAsync());
        Assert.Equal($"off tenant-a {(customPlans ? "force_custom_plan" : "auto")} tenant-a", reader.GetString(0));
    }
}
