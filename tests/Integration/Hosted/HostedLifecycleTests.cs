using System.Diagnostics;
using System.Text.Json;
using Hybrid.Tests.Integration.Conformance;
using Microsoft.Extensions.Time.Testing;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The hosted library over its life: the hourly stocktake on the registered (fake) clock, a graceful stop that returns
/// promptly, and a restart on the same embedded-store directory that keeps every acknowledged event.
/// </summary>
public sealed class HostedLifecycleTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-hosted-lifecycle-");

    public void Dispose() => _temp.Delete(recursive: true);

    private const string Add = """{"bookId":"b1","title":"Emma","copies":50}""";

    private static async Task Ticking(FakeTimeProvider clock, Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            clock.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(20);
        }
        Assert.Fail($"Timed out waiting until {what}.");
    }

    private static async Task<string[]> Stocktakes(LibraryServer server, string tenant) =>
        (await server.Store.Read(tenant, EventQuery.OfTypes("StocktakeDue"), default))
            .Select(e => JsonDocument.Parse(e.Body).RootElement.GetProperty("dueAt").GetDateTimeOffset().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task the_hourly_stocktake_fires_once_per_hour_for_a_tenant_with_events_on_the_registered_clock(bool embedded)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 10, 0, TimeSpan.Zero));
        await using var server = await LibraryServer.StartAsync(embedded ? _temp.FullName : null, clock);
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await server.Post("/commands/AddBook", Add, tenant)).Status);

        clock.Advance(TimeSpan.FromMinutes(49) + TimeSpan.FromSeconds(50));
        await Ticking(clock, async () => (await Stocktakes(server, tenant)).Length == 1, "the 09:00 stocktake fires");
        for (var i = 0; i < 20; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        Assert.Equal(["09:00"], await Stocktakes(server, tenant));

        clock.Advance(TimeSpan.FromMinutes(59));
        await Ticking(clock, async () => (await Stocktakes(server, tenant)).Length == 2, "the 10:00 stocktake fires");
        Assert.Equal(["09:00", "10:00"], await Stocktakes(server, tenant));
    }

    [Fact]
    public async Task a_graceful_stop_returns_promptly_and_a_restart_on_the_same_directory_keeps_every_acknowledged_event_and_receipt()
    {
        var tenant = Tenants.Fresh();
        var acknowledged = new List<(string Id, long Position)>();
        await using (var server = await LibraryServer.StartAsync(_temp.FullName))
        {
            Assert.Equal(200, (await server.Post("/commands/AddBook", Add, tenant)).Status);
            foreach (var reply in await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                         server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant))))
            {
                Assert.True(reply.Status == 200, reply.Text);
                var written = Assert.Single(reply.Body.GetProperty("events").EnumerateArray());
                acknowledged.Add((written.GetProperty("id").GetString()!, written.GetProperty("position").GetInt64()));
            }
            await Until(async () => (await server.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default)).Length == 8, "every loan has its receipt");

            var stopping = Stopwatch.StartNew();
            await server.StopAsync();
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the host took {stopping.Elapsed} to stop");
        }

        await using var restarted = await LibraryServer.StartAsync(_temp.FullName);
        var log = await restarted.Log(tenant);
        Assert.All(acknowledged, ack => Assert.Contains(log, e => e.Id.ToString() == ack.Id && e.Position == ack.Position));
        Assert.Equal(200, (await restarted.Post("/commands/LendBook", """{"bookId":"b1","reader":"late"}""", tenant)).Status);
        await Until(async () => (await restarted.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default)).Length == 9, "the new loan has its receipt");
        await Task.Delay(500);
        var loans = (await restarted.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default))
            .Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("loan").GetInt64()).ToArray();
        Assert.Equal((await restarted.Store.Read(tenant, EventQuery.OfTypes("BookLent"), default)).Select(e => e.Position), loans);
        var shelf = await restarted.Post("/queries/shelf", """{"limit":0}""", tenant);
        Assert.Contains("\"lent\":9", shelf.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_stop_during_a_burst_of_commands_answers_each_one_without_a_500_and_keeps_every_acknowledged_event()
    {
        var tenant = Tenants.Fresh();
        var replies = new List<Task<Reply>>();
        await using (var server = await LibraryServer.StartAsync(_temp.FullName))
        {
            Assert.Equal(200, (await server.Post("/commands/AddBook", Add, tenant)).Status);
            for (var i = 0; i < 40; i++)
            {
                replies.Add(Answer(server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant)));
                if (i == 20) _ = server.StopAsync();
                await Task.Delay(2);
            }
            await Task.WhenAll(replies);
        }

        var answered = replies.Select(r => r.Result).Where(r => r.Status != 0).ToArray();
        Assert.All(answered, r => Assert.True(r.Status is 200 or 503, $"{r.Status}: {r.Text}"));
        Assert.All(answered.Where(r => r.Status == 503), r => Assert.NotNull(r.RetryAfter));
        await using var restarted = await LibraryServer.StartAsync(_temp.FullName);
        var log = await restarted.Log(tenant);
        foreach (var ok in answered.Where(r => r.Status == 200))
        {
            var id = Assert.Single(ok.Body.GetProperty("events").EnumerateArray()).GetProperty("id").GetString();
            Assert.Contains(log, e => e.Id.ToString() == id);
        }
    }

    /// <summary>The reply, or status 0 when the server no longer took the connection.</summary>
    private static async Task<Reply> Answer(Task<Reply> sent)
    {
        try
        {
            return await sent;
        }
        catch (HttpRequestException)
        {
            return new Reply(0, "", null, null, null);
        }
    }
}
