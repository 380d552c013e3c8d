using System.Net.Http.Json;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Http;
using Hybrid.Shell.Queries;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// Thousands of random requests against the HTTP adapter on a real Kestrel server (in-memory store): no 5xx ever, the
/// right 4xx as a problem document naming the field, F# unions round-trip, and nothing written by any refused request.
/// </summary>
public sealed class HttpFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 2_400;
    private const int MaxBodyBytes = 8 * 1024;
    private readonly InMemoryEventStore _store = new();
    private readonly string _tenant = Tenants.Fresh();
    private readonly string _quiet = Tenants.Fresh();
    private WebApplication? _app;
    private FollowingViews? _views;
    private HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _views = TestViews.Following(_store, TimeSpan.FromMilliseconds(5));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapHybrid(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(_store),
            Queries = QueryProcessor.Of(WriteSideCatalog.registry, _store, _views),
            Registry = WriteSideCatalog.registry,
            Views = _views,
            MaxBodyBytes = MaxBodyBytes,
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _views?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    [Fact]
    public async Task Random_requests_get_no_5xx_the_right_4xx_naming_the_field_and_refused_requests_write_nothing()
    {
        var cases = new HttpFuzzCases(seed: 1515, _tenant, _quiet, MaxBodyBytes);
        var requests = Enumerable.Range(0, Requests).Select(_ => cases.Next()).ToArray();
        var failures = new List<string>();
        var accepted = 0;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
        {
            var failure = await Check(c, ct);
            lock (failures)
            {
                if (failure is not null) failures.Add($"{failure}\n    {c}");
                else if (c.Writes) accepted++;
            }
        });

        var kinds = requests.GroupBy(r => r.Kind).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine($"{requests.Length} requests: {string.Join(", ", kinds)}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Length} requests were answered wrongly:\n{string.Join("\n", failures.Take(20))}");
        Assert.Equal(0L, await _store.GetHead(_quiet, CancellationToken.None));
        Assert.Equal(requests.Count(r => r.Writes), (await _store.Read(_tenant, EventQuery.All, CancellationToken.None)).Length);
        Assert.Equal(requests.Count(r => r.Writes), accepted);
    }

    private async Task<string?> Check(HttpFuzzCase c, CancellationToken ct)
    {
        HttpFuzzCases.CheckValid(c);
        using var request = c.ToRequest();
        using var response = await _http.SendAsync(request, ct);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        if (status >= 500) return $"answered {status}: {text}";
        if (status != c.Status) return $"answered {status} instead of {c.Status}: {text}";
        using var body = JsonDocument.Parse(text);
        var root = body.RootElement;
        if (status >= 400)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"not a problem document: {response.Content.Headers.ContentType}";
            if (root.GetProperty("status").GetInt32() != status || root.GetProperty("title").GetString() is not { Length: > 0 }) return $"a malformed problem document: {text}";
            if (c.Field is { } field && root.GetProperty("field").GetString() != field) return $"named the field {root.GetProperty("field")} instead of {field}: {text}";
            if (text.Contains("Hybrid.") || text.Contains("   at ")) return $"shows internals: {text}";
            return null;
        }
        if (root.GetProperty("outcome").GetString() != "accepted") return $"not accepted: {text}";
        if (c.Path == "/commands/Draw")
        {
            using var sent = JsonDocument.Parse(c.Body!);
            if (!JsonElement.DeepEquals(sent.RootElement.GetProperty("shape"), root.GetProperty("result"))) return $"the shape did not round-trip: {text}";
            if (text.Contains("\\u")) return $"escaped characters in the output: {text}";
        }
        return null;
    }

    [Fact]
    public async Task Unions_options_and_lists_round_trip_through_commands_events_and_query_answers()
    {
        async Task<JsonElement> Post(string path, string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Tenant", _tenant);
            request.Headers.Add("X-Actor", "ann");
            using var response = await _http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        await Post("/commands/Draw", """{"boardId":"rt","shape":{"Labelled":{"label":"l'été","weight":1}},"note":"n","colours":["r"]}""");
        await Post("/commands/Draw", """{"boardId":"rt","shape":{"Rect":{"width":2,"height":3}},"colours":[]}""");
        await Post("/commands/Draw", """{"boardId":"rt","shape":"Dot","note":null,"colours":[]}""");

        var stored = await _store.ReadStream(_tenant, StreamRead.Forward(Drawings.streamOf("rt")), CancellationToken.None);
        Assert.Contains("\"note\":\"n\"", stored[0].Body);
        Assert.Contains("l'été", stored[0].Body);
        var answer = await Post("/queries/Board", """{"boardId":"rt"}""");
        Assert.Equal("""[{"Labelled":{"label":"l'été","weight":1}},{"Rect":{"width":2,"height":3}},"Dot"]""", answer.GetProperty("value").GetRawText());
    }
}
