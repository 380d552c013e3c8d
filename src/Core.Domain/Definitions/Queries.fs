// Query definitions: authorization plus a pure answer over read-model views or directly looked-up events.
namespace Hybrid

/// A read model's view to read: the model's name and a scope within it (empty for the whole model).
type ViewRef =
    { Model: string
      Scope: string }

    /// The whole model.
    static member Of(model: string) = { Model = model; Scope = "" }

    /// One scope of the model.
    static member Of(model: string, scope: string) = { Model = model; Scope = scope }

/// What a query reads before answering.
type QueryReads =
    { /// Read-model views, in order.
      Views: ViewRef list
      /// Events read directly from the tenant's log, or None.
      Events: EventQuery option }

    /// Reads these views only.
    static member OfViews([<System.ParamArray>] views: ViewRef[]) = { Views = List.ofArray views; Events = None }

    /// Reads these events only.
    static member OfEvents(query: EventQuery) = { Views = []; Events = Some query }

/// What the query processor read for a query.
type QueryInputs =
    { /// The views asked for, in the same order.
      Views: ReadModelView list
      /// The events read (empty when none were asked for).
      Events: RecordedEvent[] }

    /// The state of the view of this model (the first one read).
    member i.StateOf<'T>(model: string) =
        i.Views |> List.find (fun v -> v.Model = model) |> fun v -> v.State :?> 'T

/// A query's pure answer.
[<RequireQualifiedAccess>]
type QueryAnswer =
    | Found of value: obj
    | NotFound of what: string

/// A registered query: parse, authorize, read, answer.
type QueryDefinition =
    { Name: string
      /// The read models it reads (introspection).
      ReadModels: string list
      /// Parses the JSON request into the typed query, or names the invalid field (the Validate checks included).
      Parse: string -> Result<obj, Validation.Error>
      /// The .NET type whose JSON shape the request has (schemas of other adapters, e.g. GraphQL, derive from it).
      Payload: System.Type
      /// The .NET type of the answer; obj when undeclared (any JSON value).
      Returns: System.Type
      /// None: every caller is refused.
      Authorize: (Caller -> obj -> Authorization) option
      Reads: obj -> QueryReads
      Answer: Caller -> obj -> QueryInputs -> QueryAnswer
      /// The request's own checks (Query.validate), for a request passed already typed: Parse runs them on JSON.
      Validate: obj -> Result<unit, Validation.Error> }

    /// Authorizes a caller (deny by default).
    member q.Check(caller: Caller, request: obj) = Authorize.check q.Authorize "query" q.Name caller request

    /// What the query reads for this request.
    member q.ReadsFor(request: obj) = q.Reads request

    /// Answers the request from what was read.
    member q.Run(caller: Caller, request: obj, inputs: QueryInputs) = q.Answer caller request inputs

/// Building query definitions from typed functions.
module Query =

    /// A query over typed requests: what it reads and how it answers. It has no authorization until one is given.
    let define<'Q> (name: string) (reads: 'Q -> QueryReads) (answer: Caller -> 'Q -> QueryInputs -> QueryAnswer) =
        { Name = name
          ReadModels = []
          Parse = fun json -> JsonPayload.parse<'Q> json |> Result.map box
          Payload = typeof<'Q>
          Returns = typeof<obj>
          Authorize = None
          Reads = fun q -> reads (q :?> 'Q)
          Answer = fun caller q inputs -> answer caller (q :?> 'Q) inputs
          Validate = fun _ -> Ok() }

    /// A query answered from read-model views of the listed models.
    let overViews<'Q> (name: string) (models: string list) (views: 'Q -> ViewRef list) (answer: Caller -> 'Q -> ReadModelView list -> QueryAnswer) =
        { define<'Q> name (fun q -> { Views = views q; Events = None }) (fun c q inputs -> answer c q inputs.Views) with
            ReadModels = models }

    /// A query answered from the events matching an event query.
    let overEvents<'Q> (name: string) (lookup: 'Q -> EventQuery) (answer: Caller -> 'Q -> RecordedEvent[] -> QueryAnswer) =
        define<'Q> name (fun q -> QueryReads.OfEvents(lookup q)) (fun c q inputs -> answer c q inputs.Events)

    /// The same query authorized by the function.
    let authorize<'Q> (authorize: Caller -> 'Q -> Authorization) (query: QueryDefinition) =
        { query with Authorize = Some(fun caller q -> authorize caller (q :?> 'Q)) }

    /// The same query, declaring the type of its answer (for typed schemas; the answer itself is unchanged).
    let returns<'R> (query: QueryDefinition) = { query with Returns = typeof<'R> }

    /// The same query, listing the read models it reads.
    let readsModels (models: string list) (query: QueryDefinition) = { query with ReadModels = models }

    /// The same query, checking each request, whether parsed from JSON or passed typed (after the earlier checks).
    let validate<'Q> (check: 'Q -> Result<unit, Validation.Error>) (query: QueryDefinition) =
        let checkOf (q: obj) = check (q :?> 'Q) |> Result.map (fun () -> q)
        let earlier = query.Validate
        { query with
            Parse = fun json -> query.Parse json |> Result.bind checkOf
            Validate = fun q -> earlier q |> Result.bind (fun () -> checkOf q |> Result.map ignore) }

/// The outcome of running a query: every expected outcome is a value.
[<RequireQualifiedAccess>]
type QueryOutcome =
    /// The answer, and the log position it reflects (the highest position read).
    | Answered of value: obj * position: Position
    | Unauthorized of reason: string
    | Invalid of Validation.Error
    | NotFound of what: string
    | UnknownQuery of name: string
