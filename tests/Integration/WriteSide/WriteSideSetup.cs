using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Tests.TestDomain;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Callers, processors and outcome helpers shared by the write-side tests.</summary>
public static class WriteSideSetup
{
    /// <summary>An authenticated caller of the tenant.</summary>
    public static Caller User(string tenant, string actor = "alice", params string[] roles) =>
        new(tenant, actor, roles, $"corr-{actor}");

    /// <summary>A caller with no identity.</summary>
    public static Caller Anonymous(string tenant) => new(tenant, "", [], "");

    /// <summary>A processor over the test domain's commands.</summary>
    public static CommandProcessor Processor(IEventStore store, CommandProcessorOptions? options = null,
        IEnumerable<ICommandMiddleware>? middleware = null, IEnumerable<ICommitTrigger>? triggers = null) =>
        new(store, UuidV7IdSource.System, CommandCatalog.Of(WriteSideCatalog.registry), options, middleware, triggers);

    /// <summary>The accepted outcome, or a failed assertion naming the actual outcome.</summary>
    public static CommandAccepted AssertAccepted(this CommandOutcome outcome)
    {
        Assert.True(outcome.IsAccepted, $"Expected accepted, got {outcome}");
        return ((CommandOutcome.Accepted)outcome).Item;
    }

    /// <summary>The rejection, or a failed assertion.</summary>
    public static Rejection AssertRejected(this CommandOutcome outcome)
    {
        Assert.True(outcome.IsRejected, $"Expected rejected, got {outcome}");
        return ((CommandOutcome.Rejected)outcome).Item;
    }

    /// <summary>The result's property as JSON text.</summary>
    public static string ResultJson(this CommandAccepted accepted) =>
        FSharpOption<object>.get_IsSome(accepted.Result) ? JsonPayload.serialize(accepted.Result.Value) : "null";
}
