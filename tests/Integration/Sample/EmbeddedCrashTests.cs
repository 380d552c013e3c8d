using System.Net;
using System.Text;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// `hybrid-sample serve` on the embedded store killed with SIGKILL: every acknowledged command's events are in the
/// log, the ones still waiting for their index entries included, and the next open indexes them.
/// </summary>
public sealed class EmbeddedCrashTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-embedded-crash-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task a_killed_embedded_serve_keeps_every_acknowledged_event_and_the_next_open_indexes_the_ones_left_waiting()
    {
        var data = Path.Combine(_temp.FullName, "data");
        const int items = 40;
        using (var serve = ServeProcess.Start("serve", "--data", data, "--urls", "http://127.0.0.1:0"))
        {
            var url = await serve.Url();
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
            await Command(http, "CreateList", """{"listId":"groceries","name":"Groceries"}""");
            for (var i = 0; i < items; i++) await Command(http, "AddItem", $$"""{"listId":"groceries","text":"item {{i}}"}""");
            serve.Kill();
        }

        var events = Path.Combine(data, "events");
        var before = LmdbStoreVerifier.Verify(events);
        Assert.True(before.Sound, before.ToString());
        using (var store = LmdbEventStore.Open(events))
        {
            var added = await store.Read("acme", EventQuery.OfTypes("ItemAdded"), default);
            Assert.Equal(Enumerable.Range(0, items).Select(i => $"item {i}"), added.Select(e => System.Text.Json.JsonDocument.Parse(e.Body).RootElement.GetProperty("text").GetString()));
            Assert.Equal(0, store.Tails.Holding);
        }
        var after = LmdbStoreVerifier.Verify(events);
        Assert.True(after.Sound, after.ToString());
        Assert.Equal(before.Events, after.Events);
    }

    private static async Task Command(HttpClient http, string command, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/commands/{command}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && body.Contains("\"outcome\":\"accepted\""), body);
    }
}
