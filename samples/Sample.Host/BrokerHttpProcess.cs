using System.CommandLine;
using Hybrid.Shell.Http;
using Hybrid.Shell.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Sample.Host;

/// <summary>
/// What the HTTP processes of the broker topology (`front`, `projector`) share: the subcommand with <c>--nats</c> and
/// <c>--urls</c>, a slim web app with the broker connection and console logging, "NAME ready on URL" once it listens,
/// and POST endpoints whose caller comes from the same headers as `serve` (400 when they are bad).
/// </summary>
internal static class BrokerHttpProcess
{
    /// <summary>
    /// The subcommand: <paramref name="configure"/> adds services (it may hold resources until the returned callback,
    /// called after shutdown); <paramref name="map"/> maps the endpoints.
    /// </summary>
    public static System.CommandLine.Command Create(string name, string description, string defaultUrls, Option[] options,
        Func<ParseResult, IServiceCollection, Func<ValueTask>?> configure, Action<WebApplication> map)
    {
        var nats = BrokerTopology.NatsOption();
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => defaultUrls };
        var command = new System.CommandLine.Command(name, description) { nats, urls };
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.WebHost.UseUrls(parse.GetValue(urls)!);
            BrokerTopology.ConsoleLogging(builder.Logging);
            builder.Services.AddNatsBroker(BrokerTopology.Broker(parse.GetValue(nats)!));
            var release = configure(parse, builder.Services);
            try
            {
                await using var web = builder.Build();
                web.UseProblemStatusPages(); // a path nothing maps, a method a route does not take: problem documents, as serve answers
                map(web);
                await web.StartAsync(ct);
                Console.WriteLine($"{name} ready on {web.Urls.First()}");
                await web.WaitForShutdownAsync(CancellationToken.None);
            }
            finally
            {
                if (release is not null) await release();
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// POST <c>{prefix}/{name}</c>: the body read as `serve` reads one (JSON in UTF-8, at most 1 MiB: else 415, 413 or
    /// 400) and the caller from the headers (400 when they are bad), handed to <paramref name="handle"/>; another
    /// method is a 405 problem with <c>Allow</c>.
    /// </summary>
    public static void MapPost(WebApplication web, string prefix, Func<HttpContext, string, Caller, string, Task<IResult>> handle)
    {
        var callers = new HeaderCallerResolver();
        web.MapPost(prefix + "/{name}", async (HttpContext http, string name) =>
        {
            var resolved = await callers.ResolveAsync(http);
            var (json, refused) = await JsonRequestBody.ReadAsync(http.Request, ct: http.RequestAborted);
            if (refused is not null) return refused;
            if (resolved.Error is { } error) return Problems.Result(HttpOutcomes.Invalid(error), StatusCodes.Status400BadRequest);
            return await handle(http, name, resolved.Caller!, json!);
        });
        web.MapMethodNotAllowed(prefix + "/{name}", HttpMethods.Post);
    }
}
