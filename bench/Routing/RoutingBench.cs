// Appends through a tenancy map against the same store called directly, and tenants on two clusters against one.
using Hybrid.Shell.Ids;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using Hybrid.Bench.Workload;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Routing;
using Hybrid.Testing.Postgres;
using Npgsql;

namespace Hybrid.Bench.Routing;

/// <summary>
/// <c>pg.route.overhead.single</c> and <c>pg.route.overhead.batch100</c>: appends through the routing store of a
/// tenancy map against the very same <c>PostgresEventStore</c> called directly, interleaved (direct, routed) over
/// five runs; the figure is the median of the routed runs against the median of the direct ones.
/// <c>pg.route.spread.two_clusters</c>: the same load with its tenants spread over two clusters against all of them
/// on one (both through the map). Two throwaway clusters of the benchmark's own, not durable (no fsync).
/// </summary>
public sealed class RoutingBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int Clients = 8;
    private const int Tenants = 8;
    private const int Runs = 5;

    /// <summary>Runs the routing benchmarks the options ask for.</summary>
    public async Task RunAsync(BenchOptions options)
    {
        await using var one = await PrivatePostgresCluster.StartAsync(new PrivatePostgresClusterOptions(Durable: false, MaxConnections: 100));
        await using var two = await PrivatePostgresCluster.StartAsync(new PrivatePostgresClusterOptions(Durable: false, MaxConnections: 100));
        var databases = new[]
        {
            PostgresDatabase.ForAdmin("a", await CreateDatabase(one, "route_bench_a")),
            PostgresDatabase.ForAdmin("b", await CreateDatabase(two, "route_bench_b")),
        };
        var tenants = Enumerable.Range(0, Tenants).Select(i => $"r{i}").ToArray();
        var onOne = new TenancyMap(["a", "b"], tenants.ToDictionary(t => t, _ => "a"));
        var spread = new TenancyMap(["a", "b"], tenants.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i % 2 == 0 ? "a" : "b"));
        await using var opened = PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System);
        var routedOnOne = new RoutingEventStore(onOne, opened);
        var routedSpread = new RoutingEventStore(spread, opened);
        var direct = (await opened.Open("a", default)).Store;
        await opened.Open("b", default);

        foreach (var batch in new[] { 1, 100 })
        {
            var name = batch == 1 ? "pg.route.overhead.single" : "pg.route.overhead.batch100";
            if (!options.Wants(name)) continue;
            var directRuns = new List<double>();
            var routedRuns = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                directRuns.Add(await Appends(direct, tenants, batch));
                routedRuns.Add(await Appends(routedOnOne, tenants, batch));
                log.WriteLine($"  {name} run {run + 1}: direct {directRuns[^1]:N0} ev/s, routed {routedRuns[^1]:N0} ev/s");
            }
            var baseline = Add(new Metric
            {
                Name = $"{name}.direct", Unit = "ev/s", Value = Median(directRuns),
                Params = Params(batch, "PostgresEventStore.Append called directly", directRuns),
            });
            var routed = new Metric
            {
                Name = name, Unit = "ev/s", Value = Median(routedRuns),
                Params = Params(batch, "RoutingEventStore.Append over the same store (map lookup, write gate, unavailability wrapper)", routedRuns),
            }.Against(baseline);
            Add(routed);
        }
        if (options.Wants("pg.route.spread"))
        {
            var oneRuns = new List<double>();
            var twoRuns = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                oneRuns.Add(await Appends(routedOnOne, tenants, 1, clients: 16));
                twoRuns.Add(await Appends(routedSpread, tenants, 1, clients: 16));
            }
            var baseline = Add(new Metric
            {
                Name = "pg.route.spread.one_cluster", Unit = "ev/s", Value = Median(oneRuns),
                Params = Params(1, "16 clients, 8 tenants all on cluster a, through the map", oneRuns),
            });
            Add(new Metric
            {
                Name = "pg.route.spread.two_clusters", Unit = "ev/s", Value = Median(twoRuns),
                Params = Params(1, "16 clients, 8 tenants, 4 on cluster a and 4 on cluster b (same machine), through the map", twoRuns),
            }.Against(baseline));
        }
    }

    private async Task<double> Appends(IEventStore store, string[] tenants, int batch, int clients = Clients)
    {
        var written = 0L;
        return await ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var events = new ProposedEvent[batch];
            for (var k = 0; k < batch; k++)
                events[k] = new ProposedEvent(UuidV7IdSource.System.NewId(), EventData.Tagged(BenchEvents.Type, BenchEvents.Body(Interlocked.Increment(ref written)), "item:1"),
                    BenchEvents.Metadata);
            var result = await store.Append(AppendRequest.Of(tenants[(client + (int)i) % tenants.Length], events), CancellationToken.None);
            return result.IsAppended ? batch : 0;
        });
    }

    private static double Median(List<double> runs) => runs.Order().ElementAt(runs.Count / 2);

    private Dictionary<string, object> Params(int batch, string how, List<double> runs) => new()
    {
        ["clients"] = Clients, ["tenants"] = Tenants, ["batch"] = batch, ["runs"] = runs.Count, ["figure"] = "median of interleaved runs",
        ["runs_ev_s"] = string.Join(" ", runs.Select(r => r.ToString("0"))), ["how"] = how, ["seconds"] = sizes.Measure.TotalSeconds,
    };

    private Metric Add(Metric metric)
    {
        log.WriteLine($"  {metric.Name} {metric.Value:N0} {metric.Unit}{(metric.Ratio is { } r ? $" ({r:0.00}x)" : "")}");
        return report.Add(metric);
    }

    private static async Task<string> CreateDatabase(PrivatePostgresCluster cluster, string name)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = name }.ConnectionString;
    }
}
