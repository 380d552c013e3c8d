using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Http;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Middleware;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>What the HTTP adapter answers when a store throws: 503 for an unavailable store, 500 (a trace id only) for a defect.</summary>
public sealed class HttpFailureTests
{
    /// <summary>A store whose appends throw the given exception.</summary>
    private sealed class ThrowingStore(IEventStore inner, Exception failure) : DelegatingEventStore(inner)
    {
        public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct) => Task.FromException<AppendResult>(failure);
    }

    /// <summary>Keeps every log line.</summary>
    private sealed class ListLogger(ConcurrentQueue<(LogLevel, string, Exception?)> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((logLevel, formatter(state, exception), exception));
        public void Dispose() { }
    }

    private static async Task<(HttpResponseMessage Response, JsonElement Body, ConcurrentQueue<(LogLevel, string, Exception?)> Logs)> Send(
        IEventStore store, string json, int? maxBodyBytes = null)
    {
        var logs = new ConcurrentQueue<(LogLevel, string, Exception?)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ListLogger(logs));
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(store), Registry = WriteSideCatalog.registry, MaxBodyBytes = maxBodyBytes ?? 1 << 20,
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/Increment") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", Tenants.Fresh());
        request.Headers.Add("X-Actor", "alice");
        var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response, body, logs);
    }

    [Fact]
    public async Task A_store_that_is_unavailable_gives_503_with_retry_after()
    {
        var store = new ThrowingStore(new InMemoryEventStore(), new TimeoutException("the server did not answer"));
        var (response, body, _) = await Send(store, """{"counterId":"c","by":1}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("unavailable", body.GetProperty("outcome").GetString());
        Assert.DoesNotContain("did not answer", body.GetRawText());
    }

    [Fact]
    public async Task A_defect_gives_500_showing_only_a_trace_id_under_which_it_was_logged()
    {
        var store = new ThrowingStore(new InMemoryEventStore(), new InvalidOperationException("secret internals"));
        var (response, body, logs) = await Send(store, """{"counterId":"c","by":1}""");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var traceId = body.GetProperty("traceId").GetString()!;
        Assert.DoesNotContain("secret", body.GetRawText());
        Assert.DoesNotContain("InvalidOperationException", body.GetRawText());
        Assert.Contains(logs, l => l.Item1 == LogLevel.Error && l.Item2.Contains(traceId) && l.Item3?.Message == "secret internals");
    }

    [Fact]
    public async Task A_command_emitting_a_reserved_event_type_gives_400_naming_the_type_and_writes_nothing()
    {
        var memory = new InMemoryEventStore();
        var (response, body, _) = await Send(new RetypingStore(memory, Purging.PurgedType), """{"counterId":"c","by":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("events[0].type", body.GetProperty("field").GetString());
        Assert.Contains("'Purged'", body.GetRawText());
        Assert.Contains("reserved", body.GetRawText());
        Assert.Empty(await memory.GetTenants(default));
    }

    [Fact]
    public async Task an_append_condition_the_store_refuses_names_its_field_as_the_requests_json_names_fields()
    {
        var memory = new InMemoryEventStore();
        var (response, body, _) = await Send(new BadConditionStore(memory), """{"counterId":"c","by":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("condition.query.items[0].tags[1]", body.GetProperty("field").GetString());
        Assert.Contains("condition.query.items[0].tags[1]: ", body.GetProperty("detail").GetString());
        Assert.DoesNotContain("Items", body.GetRawText());
        Assert.Empty(await memory.GetTenants(default));
    }

    [Fact]
    public async Task a_subject_key_the_master_key_cannot_open_gives_503_with_retry_after_naming_the_tenant_and_not_the_subject()
    {
        var store = new ThrowingStore(new InMemoryEventStore(),
            new SubjectKeyUnopenableException("acme", "zoe@example.com", "the master key does not open it"));
        var (response, body, logs) = await Send(store, """{"counterId":"c","by":1}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("unavailable", body.GetProperty("outcome").GetString());
        Assert.Contains("Tenant 'acme'", body.GetProperty("detail").GetString());
        Assert.Contains("master key", body.GetProperty("detail").GetString());
        Assert.DoesNotContain("zoe@", body.GetRawText());
        Assert.Contains(logs, l => l.Item1 == LogLevel.Error && l.Item2.Contains("zoe@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_default_body_limit_is_one_mebibyte()
    {
        var store = new InMemoryEventStore();
        var over = await Send(store, $$"""{"counterId":"{{new string('c', 1 << 20)}}","by":1}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.Response.StatusCode);
        Assert.Equal("body", over.Body.GetProperty("field").GetString());

        var under = await Send(store, $$"""{"counterId":"{{new string('c', (1 << 20) - 100)}}","by":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, under.Response.StatusCode);
    }
}
