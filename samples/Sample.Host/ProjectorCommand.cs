using System.CommandLine;
using Hybrid.Shell.Http;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Sample.Host;

/// <summary>
/// `projector --nats … --urls …`: keeps the sample's read models from the broker's event stream (no database) and
/// serves the sample's queries over them: <c>POST /queries/{name}</c> as `serve` does, and <c>GET /projector</c> with the
/// position folded per tenant and the repeats skipped.
/// </summary>
internal static class ProjectorCommand
{
    public static System.CommandLine.Command Create()
    {
        var nats = BrokerTopology.NatsOption();
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5091" };
        var command = new System.CommandLine.Command("projector", "Keep the read models from the broker's events and serve the queries.") { nats, urls };
        command.SetAction(async (parse, ct) =>
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.WebHost.UseUrls(parse.GetValue(urls)!);
            BrokerTopology.ConsoleLogging(builder.Logging);
            builder.Services.AddNatsBroker(BrokerTopology.Broker(parse.GetValue(nats)!));
            builder.Services.AddNatsProjector(Definitions.readModels);
            await using var web = builder.Build();
            var projector = web.Services.GetRequiredService<NatsProjector>();
            var queries = new QueryProcessor(null, projector, Definitions.queries);
            var callers = new HeaderCallerResolver();
            web.MapPost("/queries/{name}", async (HttpContext http, string name) =>
            {
                var resolved = await callers.ResolveAsync(http);
                if (resolved.Error is { } error) return Results.Json(HttpOutcomes.Invalid(error), statusCode: StatusCodes.Status400BadRequest);
                var json = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
                var outcome = await queries.ExecuteJsonAsync(resolved.Caller!, name, json, http.RequestAborted);
                return Results.Json(HttpOutcomes.BodyOf(outcome), JsonPayload.options, statusCode: HttpOutcomes.StatusOf(outcome));
            });
            web.MapGet("/projector", () => Results.Json(new
            {
                positions = projector.Positions,
                duplicatesSkipped = projector.DuplicatesSkipped,
                malformed = projector.Malformed,
            }));
            await web.StartAsync(ct);
            Console.WriteLine($"projector ready on {web.Urls.First()}");
            await web.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }
}
