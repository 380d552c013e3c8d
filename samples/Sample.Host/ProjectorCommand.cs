using System.CommandLine;
using Hybrid.Shell.Http;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Sample.Host;

/// <summary>
/// `projector --nats … --urls … [--data DIR]`: keeps the sample's read models from the broker's event stream (no
/// database) and serves the sample's queries over them: <c>POST /queries/{name}</c> as `serve` does, and
/// <c>GET /projector</c> with the position folded per tenant, the repeats skipped and the stream sequence it resumed
/// after. With <c>--data</c> the models are kept in the LMDB read-model cache in DIR/projector (the directory is held
/// by this process), so a restart resumes where the stored models are instead of folding the stream from its start.
/// </summary>
internal static class ProjectorCommand
{
    public static System.CommandLine.Command Create()
    {
        var data = CliArguments.Text("--data", "A data directory to keep the read models in (default: in memory only).", null);
        return BrokerHttpProcess.Create("projector", "Keep the read models from the broker's events and serve the queries.", "http://127.0.0.1:5091", [data],
            (parse, services) =>
            {
                var directory = parse.GetValue(data);
                var held = directory is null ? null : DataDirectoryLock.Acquire(directory);
                LmdbReadModelStore? durable = null;
                // Built by the container, so that a damaged cache file moved aside is a warning in the process's log.
                services.AddNatsProjector(Definitions.readModels, directory is null ? null : sp => durable ??= new LmdbReadModelStore(
                    new LmdbReadModelStoreOptions { Directory = Path.Combine(directory, "projector") }, sp.GetService<ILogger<LmdbReadModelStore>>()));
                return () =>
                {
                    durable?.Dispose();
                    held?.Dispose();
                    return ValueTask.CompletedTask;
                };
            },
            web =>
            {
                var projector = web.Services.GetRequiredService<NatsProjector>();
                var queries = new QueryProcessor(null, projector, Definitions.queries);
                BrokerHttpProcess.MapPost(web, "/queries", async (http, name, caller, json) =>
                {
                    var outcome = await queries.ExecuteJsonAsync(caller, name, json, http.RequestAborted);
                    return HttpOutcomes.Result(HttpOutcomes.BodyOf(outcome), HttpOutcomes.StatusOf(outcome));
                });
                web.MapGet("/projector", () => Results.Json(new
                {
                    positions = projector.Positions,
                    duplicatesSkipped = projector.DuplicatesSkipped,
                    malformed = projector.Malformed,
                    resumedAfter = projector.ResumedAfter,
                    persistedSequence = projector.PersistedSequence,
                }));
            });
    }
}
