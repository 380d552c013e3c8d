using System.Globalization;
using Hybrid.Shell.Http;
using Hybrid.Shell.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Sample.Host;

/// <summary>
/// `front --nats … --urls …`: the HTTP front of the broker topology. <c>POST /commands/{name}</c> (the same headers as
/// `serve`, plus <c>X-Command-Id</c> and <c>?deadlineMs=</c>) sends the command through the broker to a handler and
/// answers with its reply: the same bodies and statuses as `serve` (503 with Retry-After while the broker or the store
/// cannot be reached, the broker being down at start included), 504 when no handler answered in time.
/// </summary>
internal static class FrontCommand
{
    public static System.CommandLine.Command Create()
    {
        NatsCommandSender? sender = null;
        return BrokerHttpProcess.Create("front", "Serve commands over HTTP and send them through the broker to the handlers.", "http://127.0.0.1:5090", [],
            (_, services) =>
            {
                services.AddSingleton(sp => Task.Run(() => NatsCommandSender.StartAsync(sp.GetRequiredService<NatsBroker>())).GetAwaiter().GetResult());
                return () => sender?.DisposeAsync() ?? ValueTask.CompletedTask;
            },
            web =>
            {
                sender = web.Services.GetRequiredService<NatsCommandSender>();
                BrokerHttpProcess.MapPost(web, "/commands", async (http, name, caller, json) =>
                {
                    Guid? commandId = null;
                    if (http.Request.Headers["X-Command-Id"].ToString() is { Length: > 0 } id)
                    {
                        var parsed = Command.parseId("X-Command-Id", id);
                        if (parsed.IsError) return Problems.Result(HttpOutcomes.Invalid(parsed.ErrorValue), StatusCodes.Status400BadRequest);
                        commandId = parsed.ResultValue;
                    }
                    TimeSpan? deadline = null;
                    if (http.Request.Query["deadlineMs"].ToString() is { Length: > 0 } given)
                    {
                        if (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms == 0)
                            return Problems.Result(HttpOutcomes.Invalid(new Validation.Error("deadlineMs", $"'{given}' is not a positive number of milliseconds.")), StatusCodes.Status400BadRequest);
                        deadline = TimeSpan.FromMilliseconds(ms);
                    }
                    var reply = await sender.SendAsync(caller, name, json, commandId, deadline, http.RequestAborted);
                    if (RetryAfterSeconds(reply) is { } seconds) http.Response.Headers.RetryAfter = seconds;
                    var status = StatusOf(reply.Outcome);
                    return Results.Content(reply.Json, status < 400 ? "application/json" : Problems.ContentType, statusCode: status);
                });
            });
    }

    /// <summary>The Retry-After of an <c>unavailable</c> reply (the broker or the store cannot be reached): its <c>retryAfterSeconds</c>, rounded up.</summary>
    private static string? RetryAfterSeconds(BrokerReply reply)
    {
        if (reply.Outcome != "unavailable") return null;
        using var body = System.Text.Json.JsonDocument.Parse(reply.Json);
        var seconds = body.RootElement.TryGetProperty("retryAfterSeconds", out var value) && value.TryGetDouble(out var s) ? s : 1;
        return Math.Max(1, Math.Ceiling(seconds)).ToString(CultureInfo.InvariantCulture);
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
