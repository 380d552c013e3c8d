using System.Text.Json;
using GraphQL;
using GraphQL.Resolvers;
using GraphQL.Types;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Http;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// The GraphQL schema of an application, generated from its registry: each command a mutation (argument
/// <c>input</c> of its payload's shape, optional <c>commandId</c> and <c>expectedVersion</c>; an accepted command
/// answers with its events, position and result), each query a query field (optional <c>input</c>; the answer of its
/// declared result type, or <c>JSON</c>). Commands and queries run through the same processors, caller resolution and
/// deny-by-default authorization as the HTTP adapter; other outcomes are errors (<see cref="GraphQLOutcomes"/>).
/// </summary>
public static class RegistrySchema
{
    private static readonly string[] Reserved = ["Query", "Mutation", "JSON", "RecordedEvent", "String", "Int", "Long", "Float", "Boolean", "ID"];

    /// <summary>The schema of the commands and queries the options serve.</summary>
    public static ISchema Build(HybridHttpOptions options)
    {
        var shapes = new JsonShapes(Reserved);
        var query = new ObjectGraphType { Name = "Query", Description = "The application's queries." };
        var queryNames = new HashSet<string>(StringComparer.Ordinal);
        if (options.Queries is not null)
            foreach (var definition in WriteSide.queries(options.Registry).Where(q => options.Queries.Knows(q.Name)).OrderBy(q => q.Name, StringComparer.Ordinal))
                query.AddField(QueryField(definition, shapes, options, Unique(queryNames, definition.Name)));
        if (query.Fields.Count == 0)
            query.AddField(new FieldType { Name = "empty", ResolvedType = new BooleanGraphType(), Description = "No queries are served.", Resolver = new FuncFieldResolver<object?>(_ => null) });

        var mutation = new ObjectGraphType { Name = "Mutation", Description = "The application's commands." };
        var recorded = RecordedEventType();
        var mutationNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in options.Commands.Commands.All.OrderBy(c => c.Name, StringComparer.Ordinal))
            mutation.AddField(CommandField(definition, shapes, recorded, options, Unique(mutationNames, definition.Name)));

        var schema = new Schema { Query = query, Description = "Generated from the Hybrid registry." };
        if (mutation.Fields.Count > 0) schema.Mutation = mutation;
        schema.RegisterType(shapes.Json);
        schema.Initialize();
        return schema;
    }

    private static string Unique(HashSet<string> taken, string name)
    {
        var sanitized = GraphQLNames.Sanitize(name);
        var candidate = sanitized;
        for (var n = 2; !taken.Add(candidate); n++) candidate = $"{sanitized}{n}";
        return candidate;
    }

    private static FieldType QueryField(QueryDefinition definition, JsonShapes shapes, HybridHttpOptions options, string name)
    {
        var returns = shapes.Output(definition.Returns);
        return new FieldType
        {
            Name = name,
            Description = $"The query '{definition.Name}'" + (definition.ReadModels.IsEmpty ? "." : $", over {string.Join(", ", definition.ReadModels)}."),
            ResolvedType = returns,
            Arguments = new QueryArguments(new QueryArgument(shapes.Input(definition.Payload)) { Name = "input", Description = "The query's request (its JSON shape)." }),
            Resolver = new FuncFieldResolver<object?>(async ctx =>
            {
                var caller = await CallerOf(ctx);
                var outcome = await Guarded(options, caller.Tenant, () => options.Queries!.ExecuteJsonAsync(caller, definition.Name, InputJson(ctx), ctx.CancellationToken));
                if (outcome is QueryOutcome.Answered answered) return JsonShapes.Value(ToJson(answered.value), returns);
                throw GraphQLOutcomes.ErrorOf(outcome);
            }),
        };
    }

    private static FieldType CommandField(CommandDefinition definition, JsonShapes shapes, IGraphType recorded, HybridHttpOptions options, string name)
    {
        var input = shapes.Input(definition.Payload);
        var resultType = shapes.Output(definition.Returns);
        var accepted = new ObjectGraphType { Name = shapes.Name(name + "Accepted"), Description = $"The command '{definition.Name}' was accepted." };
        accepted.AddField(new FieldType
        {
            Name = "events", ResolvedType = new NonNullGraphType(new ListGraphType(new NonNullGraphType(recorded))),
            Description = "The events written (none when there was nothing to change).",
            Resolver = new FuncFieldResolver<object?>(ctx => ((CommandAccepted)ctx.Source!).Events),
        });
        accepted.AddField(new FieldType
        {
            Name = "position", ResolvedType = new NonNullGraphType(new LongGraphType()),
            Description = "The last position written, or the position read when nothing was written.",
            Resolver = new FuncFieldResolver<object?>(ctx => ((CommandAccepted)ctx.Source!).Position),
        });
        accepted.AddField(new FieldType
        {
            Name = "result", ResolvedType = resultType, Description = "The command's result, if it has one.",
            Resolver = new FuncFieldResolver<object?>(ctx =>
                ((CommandAccepted)ctx.Source!).Result is { } result ? JsonShapes.Value(ToJson(result.Value), resultType) : null),
        });
        return new FieldType
        {
            Name = name,
            Description = $"The command '{definition.Name}'" + (definition.Emits.IsEmpty ? "." : $"; emits {string.Join(", ", definition.Emits)}."),
            ResolvedType = accepted,
            Arguments = new QueryArguments(
                new QueryArgument(input is InputObjectGraphType ? new NonNullGraphType(input) : input) { Name = "input", Description = "The command (its JSON shape)." },
                new QueryArgument(new IdGraphType()) { Name = "commandId", Description = "A GUID: re-sending the command with it writes its events once." },
                new QueryArgument(new LongGraphType()) { Name = "expectedVersion", Description = "The version the command's stream must be at." }),
            Resolver = new FuncFieldResolver<object?>(async ctx =>
            {
                var caller = await CallerOf(ctx);
                var commandOptions = CommandOptionsOf(ctx);
                var outcome = await Guarded(options, caller.Tenant, () => options.Commands.ExecuteJsonAsync(caller, definition.Name, InputJson(ctx), commandOptions, ctx.CancellationToken));
                if (outcome is CommandOutcome.Accepted ok) return ok.Item;
                throw GraphQLOutcomes.ErrorOf(outcome);
            }),
        };
    }

    private static ObjectGraphType RecordedEventType()
    {
        var type = new ObjectGraphType { Name = "RecordedEvent", Description = "An event as the store recorded it." };
        void Add(string name, IGraphType graph, Func<RecordedEvent, object?> value) =>
            type.AddField(new FieldType { Name = name, ResolvedType = graph, Resolver = new FuncFieldResolver<object?>(ctx => value((RecordedEvent)ctx.Source!)) });
        Add("id", new NonNullGraphType(new IdGraphType()), e => e.Id);
        Add("position", new NonNullGraphType(new LongGraphType()), e => e.Position);
        Add("stream", new StringGraphType(), e => e.Stream);
        Add("streamVersion", new NonNullGraphType(new LongGraphType()), e => e.StreamVersion);
        Add("type", new NonNullGraphType(new StringGraphType()), e => e.Type);
        return type;
    }

    private static async Task<Caller> CallerOf(IResolveFieldContext ctx)
    {
        var call = (GraphQLCallContext)ctx.UserContext[GraphQLCallContext.Key]!;
        if (!call.TakeCall())
            throw GraphQLOutcomes.Invalid(new Validation.Error("query",
                $"A document may run at most {GraphQLLimits.MaxCalls} commands and queries; this one asks for more: send them in several requests."));
        var resolved = await call.Caller();
        return resolved.Caller ?? throw GraphQLOutcomes.Unresolved(resolved);
    }

    private static CommandOptions CommandOptionsOf(IResolveFieldContext ctx)
    {
        var options = new CommandOptions();
        if (ctx.GetArgument<string?>("commandId") is { } id)
        {
            var parsed = Command.parseId("commandId", id);
            if (parsed.IsError) throw GraphQLOutcomes.Invalid(parsed.ErrorValue);
            options = options with { CommandId = parsed.ResultValue };
        }
        if (ctx.GetArgument<long?>("expectedVersion") is { } version)
        {
            var expected = ExpectedVersion.NewExact(version);
            if (Validation.expectedVersion("expectedVersion", expected) is { IsError: true } bad) throw GraphQLOutcomes.Invalid(bad.ErrorValue);
            options = options with { ExpectedVersion = expected };
        }
        return options;
    }

    private static string InputJson(IResolveFieldContext ctx) =>
        ctx.Arguments?.TryGetValue("input", out var input) == true && input.Value is { } value
            ? GraphQL.InputJson.Of(value)
            : "{}";

    private static JsonElement ToJson(object? value) =>
        value is null ? default : JsonSerializer.SerializeToElement(value, value.GetType(), JsonPayload.options);

    /// <summary>
    /// Runs an engine call; input the store refused becomes INVALID naming the field, and a store or broker that is
    /// unavailable or timed out UNAVAILABLE with <c>retryAfterSeconds</c> (<see cref="CommandFailures"/>, the broker
    /// handler's rule), instead of an internal error.
    /// </summary>
    private static async Task<T> Guarded<T>(HybridHttpOptions options, string tenant, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (Exception ex) when (CommandFailures.OutcomeOf(ex, tenant, options.UnavailableRetryAfter) is { } outcome)
        {
            throw GraphQLOutcomes.ErrorOf(outcome);
        }
    }}
