using System.CommandLine;
using System.Globalization;
using Hybrid.Shell.Http;
using Hybrid.Shell.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Sample.Host;

/// <summary>
/// `front --nats … --urls …`: the HTTP front of the broker topology. <c>POST /commands/{name}</c> (the same headers as
/// `serve`, plus <c>X-Command-Id</c> and <c>?deadlineMs=</c>) sends the command through the broker to a handler and
/// answers with its reply: the same bodies and statuses as `serve`, 504 when no handler answered in time.
/// </summary>
internal static class FrontCommand
{
    public static System.CommandLine.Command Create()
    {
        var nats = BrokerTopology.NatsOption();
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5090" };
        var command = new System.CommandLine.Command("front", "Serve commands over HTTP and send them through the broker to the handlers.") { nats, urls };
        command.SetAction(async (parse, ct) =>
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.WebHost.UseUrls(parse.GetValue(urls)!);
            BrokerTopology.ConsoleLogging(builder.Logging);
            builder.Services.AddNatsBroker(BrokerTopology.Broker(parse.GetValue(nats)!));
            builder.Services.AddSingleton(sp => Task.Run(() => NatsCommandSender.StartAsync(sp.GetRequiredService<NatsBroker>())).GetAwaiter().GetResult());
            await using var web = builder.Build();
            var sender = web.Services.GetRequiredService<NatsCommandSender>();
            var callers = new HeaderCallerResolver();
            web.MapPost("/commands/{name}", async (HttpContext http, string name) =>
            {
                var resolved = await callers.ResolveAsync(http);
                if (resolved.Error is { } error) return Results.Json(HttpOutcomes.Invalid(error), statusCode: StatusCodes.Status400BadRequest);
                Guid? commandId = null;
                if (http.Request.Headers["X-Command-Id"].ToString() is { Length: > 0 } id)
                {
                    if (!Guid.TryParse(id, out var parsed))
                        return Results.Json(HttpOutcomes.Invalid(new Validation.Error("X-Command-Id", $"'{id}' is not a GUID.")), statusCode: 400);
                    commandId = parsed;
                }
                TimeSpan? deadline = int.TryParse(http.Request.Query["deadlineMs"], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                    ? TimeSpan.FromMilliseconds(ms) : null;
                var json = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
                var reply = await sender.SendAsync(resolved.Caller!, name, json, commandId, deadline, http.RequestAborted);
                return Results.Content(reply.Json, "application/json", statusCode: StatusOf(reply.Outcome));
            });
            await web.StartAsync(ct);
            Console.WriteLine($"front ready on {web.Urls.First()}");
            await web.WaitForShutdownAsync(CancellationToken.None);
            await sender.DisposeAsync();
            return 0;
        });
        return command;
    }

    /// <summary>The status `serve` answers with for the outcome; 504 for a timeout, 500 for a dead-lettered command.</summary>
    private static int StatusOf(string outcome) => outcome switch
    {
        "accepted" => 200,
        "rejected" => 422,
        "conflict" => 409,
        "version-mismatch" => 412,
        "unauthorized" => 403,
        "invalid" => 400,
        "unknown-command" or "not-found" => 404,
        "unavailable" => 503,
        "timeout" => 504,
        _ => 500,
    };
}
