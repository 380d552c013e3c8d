// Command definitions: lookup → operate → write. A command declares what it reads, decides purely over it,
// and the shell appends with the condition that nothing it read has changed since (a dynamic consistency boundary).
namespace Hybrid

open System

/// A registered command: parse, authorize, look up, decide.
type CommandDefinition =
    { Name: string
      /// The aggregate type the command acts on (paused during its live migration); empty when none.
      Aggregate: string
      /// Every event type the decision may emit (introspection).
      Emits: string list
      /// Parses the JSON request into the typed command, or names the invalid field (the Validate checks included).
      Parse: string -> Result<obj, Validation.Error>
      /// The .NET type whose JSON shape the request has (schemas of other adapters, e.g. GraphQL, derive from it).
      Payload: Type
      /// The .NET type of an accepted command's result; obj when undeclared (any JSON value).
      Returns: Type
      /// None: every caller is refused.
      Authorize: (Caller -> obj -> Authorization) option
      Lookup: obj -> Lookup
      /// Decides over what was read, given who asks and the time now.
      Decide: DecisionContext -> obj -> LookedUp -> CommandDecision
      /// The read-model views a read-your-writes response answers with (the "resolver").
      Views: obj -> ViewRef list
      /// How the decision folds the streams it reads, for commands built from a decider or a StreamFold; None when
      /// it decides over the events read.
      Fold: StateFold option
      /// A lookup that needs the decision context (keyed tags need the tenant's tag key); None: Lookup alone.
      LookupIn: (DecisionContext -> obj -> Lookup) option
      /// The request's own checks (Command.validate), for a command passed already typed: Parse runs them on JSON.
      Validate: obj -> Result<unit, Validation.Error> }

    /// Authorizes a caller (deny by default).
    member c.Check(caller: Caller, command: obj) = Authorize.check c.Authorize "command" c.Name caller command

    /// What the command reads (for a command that looks up with its context, see the overload with one).
    member c.LookupFor(command: obj) = c.Lookup command

    /// What the command reads, given who asks, when, and the tenant's tag key.
    member c.LookupFor(context: DecisionContext, command: obj) =
        match c.LookupIn with
        | Some lookup -> lookup context command
        | None -> c.Lookup command

    /// True when the command looks up with its decision context (the shell then passes the tenant's tag key).
    member c.NeedsContextToLookUp = c.LookupIn.IsSome

    /// Decides the command over what was read.
    member c.Run(context: DecisionContext, command: obj, lookedUp: LookedUp) = c.Decide context command lookedUp

    /// The views a read-your-writes response shows.
    member c.ViewsFor(command: obj) = c.Views command

    /// The fold the command decides through, when its Lookup and Decide are still the ones built with it.
    member c.FoldInForce =
        match c.Fold with
        | Some f when obj.ReferenceEquals(f.Lookup, c.Lookup) && obj.ReferenceEquals(f.DecideLooked, c.Decide) -> Some f
        | _ -> None

/// A trigger that failed after a commit: the commit stands.
type TriggerFailure = { Trigger: string; Error: string }

/// An accepted command.
type CommandAccepted =
    { /// The persisted events (none when the decision emitted none).
      Events: RecordedEvent[]
      Result: obj option
      /// The last position written, or the position read when nothing was written.
      Position: Position
      /// How many times lookup and decision ran (1 without conflicts).
      Attempts: int
      TriggerFailures: TriggerFailure list }

/// The outcome of running a command: every expected outcome is a value.
[<RequireQualifiedAccess>]
type CommandOutcome =
    | Accepted of CommandAccepted
    /// A business rule refused it; nothing was written.
    | Rejected of Rejection
    | Unauthorized of reason: string
    /// What it read kept changing: the retries ran out. Nothing was written.
    | Conflict of attempts: int * reason: string
    /// Bad input, naming the field.
    | Invalid of Validation.Error
    | NotFound of what: string
    | UnknownCommand of name: string
    /// The caller's expected version of the stream is out of date.
    | VersionMismatch of ConditionFailure
    /// The command's aggregate is being migrated: retry after the delay.
    | Unavailable of reason: string * retryAfter: TimeSpan

/// Building command definitions and the pure steps the command processor runs.
module Command =

    /// A command over typed requests: its lookup and decision. It has no authorization until one is given.
    let define<'C> (name: string) (lookup: 'C -> Lookup) (decide: DecisionContext -> 'C -> LookedUp -> CommandDecision) =
        { Name = name
          Aggregate = ""
          Emits = []
          Parse = fun json -> JsonPayload.parse<'C> json |> Result.map box
          Payload = typeof<'C>
          Returns = typeof<obj>
          Authorize = None
          Lookup = fun c -> lookup (c :?> 'C)
          Decide = fun context c looked -> decide context (c :?> 'C) looked
          Views = fun _ -> []
          Fold = None
          LookupIn = None
          Validate = fun _ -> Ok() }

    /// A command whose lookup needs the decision context: a keyed tag (KeyedTags.tag) made with context.TagKey.
    let defineIn<'C> (name: string) (lookup: DecisionContext -> 'C -> Lookup) (decide: DecisionContext -> 'C -> LookedUp -> CommandDecision) =
        { define<'C> name (fun _ -> invalidOp $"Command '{name}' looks up with its decision context: call LookupFor(context, command).") decide with
            LookupIn = Some(fun context c -> lookup context (c :?> 'C)) }

    /// The same command authorized by the function.
    let authorize<'C> (authorize: Caller -> 'C -> Authorization) (command: CommandDefinition) =
        { command with Authorize = Some(fun caller c -> authorize caller (c :?> 'C)) }

    /// The same command, checking each request, whether parsed from JSON or passed typed (after the earlier checks).
    let validate<'C> (check: 'C -> Result<unit, Validation.Error>) (command: CommandDefinition) =
        let checkOf (c: obj) = check (c :?> 'C) |> Result.map (fun () -> c)
        let earlier = command.Validate
        { command with
            Parse = fun json -> command.Parse json |> Result.bind checkOf
            Validate = fun c -> earlier c |> Result.bind (fun () -> checkOf c |> Result.map ignore) }

    /// The same command, reading its JSON request as a 'P and turning it into the command (or an error naming the
    /// field); the command's checks (Command.validate) still apply to what it turns into.
    let parsesAs<'P> (toCommand: 'P -> Result<obj, Validation.Error>) (command: CommandDefinition) =
        let validate = command.Validate
        { command with
            Payload = typeof<'P>
            Parse = fun json -> JsonPayload.parse<'P> json |> Result.bind toCommand |> Result.bind (fun c -> validate c |> Result.map (fun () -> c)) }

    /// The same command, listing the event types it may emit.
    let emits (eventTypes: string list) (command: CommandDefinition) = { command with Emits = eventTypes }

    /// The same command, declaring the type of its result (for typed schemas; the result itself is unchanged).
    let returns<'R> (command: CommandDefinition) = { command with Returns = typeof<'R> }

    /// The same command, declaring the .NET type whose JSON shape its requests have (when Parse reads another type than the command's).
    let accepts<'P> (command: CommandDefinition) = { command with Payload = typeof<'P> }

    /// The same command, answering read-your-writes requests with these views.
    let resolves<'C> (views: 'C -> ViewRef list) (command: CommandDefinition) = { command with Views = fun c -> views (c :?> 'C) }

    let private decisionOf (encoded: EventData list) (result: obj option) (decided: Result<_, Rejection>) =
        match decided with
        | Ok _ -> CommandDecision.Accept(encoded, result)
        | Error r when Rejection.isNotFound r -> CommandDecision.NotFound r.Reason
        | Error r -> CommandDecision.Reject r

    let private inStream (stream: StreamId) (codec: EventCodec<'E>) (e: 'E) = { codec.Encode e with Stream = stream }

    /// A command over the folded states of the streams it reads, written once: the lookup reads the streams, Decide
    /// folds what was read, and a shell that kept the states (FoldInForce) decides over them directly.
    let private overStates<'C, 'S>
        (name: string) (source: obj) (codec: obj) (initial: 'S) (evolve: 'S -> RecordedEvent -> 'S)
        (streamsOf: 'C -> StreamId list) (decide: DecisionContext -> 'C -> Map<StreamId, 'S> -> CommandDecision) =
        let fold =
            { Source = source
              Codec = codec
              Initial = box initial
              Evolve = fun s e -> box (evolve (s :?> 'S) e)
              Decide = fun context c states -> decide context (c :?> 'C) (states |> Map.map (fun _ s -> s :?> 'S))
              Lookup = null
              DecideLooked = null }
        let lookup = fun (c: obj) -> Lookup.Streams(streamsOf (c :?> 'C) |> List.distinct)
        let decideLooked =
            fun context (c: obj) (looked: LookedUp) -> fold.Decide context c (StateFold.statesOf fold (streamsOf (c :?> 'C) |> List.distinct) looked)
        let d = { define<'C> name (fun _ -> Lookup.Streams []) (fun _ _ _ -> CommandDecision.NotFound name) with Lookup = lookup; Decide = decideLooked }
        // The very function objects stored in the definition: FoldInForce compares them by reference.
        { d with Fold = Some { fold with Lookup = box d.Lookup; DecideLooked = box d.Decide } }

    /// A command on the streams the request names, deciding over each stream's state folded by the StreamFold (share
    /// one StreamFold among an aggregate's commands so they share kept states). The append expects every stream at
    /// the version read.
    let ofStreamFold<'C, 'S>
        (name: string) (fold: StreamFold<'S>) (streamsOf: 'C -> StreamId list)
        (decide: DecisionContext -> 'C -> Map<StreamId, 'S> -> CommandDecision) =
        overStates<'C, 'S> name (box fold) null fold.Initial fold.Evolve streamsOf decide

    /// A command on one stream-keyed aggregate: reads the stream, folds it, decides, and writes to it at the exact
    /// version read. The result (or None) is computed from the command and the state after the new events.
    let ofDeciderWithResult<'C, 'E, 'S>
        (name: string) (aggregate: string) (decider: Decider<'C, 'E, 'S>) (codec: EventCodec<'E>)
        (streamOf: 'C -> StreamId) (result: 'C -> 'S -> obj option) =
        let evolve state (e: RecordedEvent) = match codec.Decode e with Some ev -> decider.Evolve state ev | None -> state
        overStates<'C, 'S> name (box decider) (box codec) decider.Initial evolve (fun c -> [ streamOf c ]) (fun context c states ->
            let stream = streamOf c
            match Decider.run decider context c states.[stream] with
            | Ok(events, after) -> decisionOf (events |> List.map (inStream stream codec)) (result c after) (Ok())
            | Error r -> decisionOf [] None (Error r))
        |> fun d -> { d with Aggregate = aggregate; Emits = codec.EventTypes }

    /// A command on one stream-keyed aggregate, answering with no result.
    let ofDecider name aggregate decider codec streamOf = ofDeciderWithResult name aggregate decider codec streamOf (fun _ _ -> None)

    /// The query of a property-keyed aggregate: its event types carrying any of the keys.
    let keyedQuery (eventTypes: string list) (keys: Tag list) =
        { EventQuery.All with Items = keys |> List.map (fun k -> { Types = Array.ofList eventTypes; Tags = [| k |] }) |> Array.ofList }

    /// A command on a property-keyed aggregate (e.g. keyed by an email address unique in the tenant): folds the
    /// events carrying any of the keys, decides, tags the new events with the keys, and appends only if no event
    /// carrying a key appeared since the read. Uniqueness holds under races, without a separate read.
    let ofKeyedDecider<'C, 'E, 'S>
        (name: string) (aggregate: string) (decider: Decider<'C, 'E, 'S>) (codec: EventCodec<'E>) (keysOf: 'C -> Tag list) =
        define<'C> name (fun c -> Lookup.Events(keyedQuery codec.EventTypes (keysOf c))) (fun context c looked ->
            let keys = keysOf c |> Array.ofList
            let state = Decider.foldRecorded decider codec looked.Events
            match Decider.run decider context c state with
            | Ok(events, _) ->
                let tagged = events |> List.map (fun e -> let d = codec.Encode e in { d with Tags = Array.distinct (Array.append d.Tags keys) })
                decisionOf tagged None (Ok())
            | Error r -> decisionOf [] None (Error r))
        |> fun d -> { d with Aggregate = aggregate; Emits = codec.EventTypes }

    /// A command on several aggregates of one decider, written in one atomic append: each stream is folded, the
    /// decision names the stream of each new event, and the append expects every stream at the version read.
    let ofDeciders<'C, 'E, 'S>
        (name: string) (aggregate: string) (decider: Decider<'C, 'E, 'S>) (codec: EventCodec<'E>)
        (streamsOf: 'C -> StreamId list) (decide: DecisionContext -> 'C -> Map<StreamId, 'S> -> Result<(StreamId * 'E) list, Rejection>) =
        let evolve state (e: RecordedEvent) = match codec.Decode e with Some ev -> decider.Evolve state ev | None -> state
        overStates<'C, 'S> name (box decider) (box codec) decider.Initial evolve streamsOf (fun context c states ->
            match decide context c states with
            | Ok events -> decisionOf (events |> List.map (fun (s, e) -> inStream s codec e)) None (Ok())
            | Error r -> decisionOf [] None (Error r))
        |> fun d -> { d with Aggregate = aggregate; Emits = codec.EventTypes }

    /// The read of a query lookup consistent with the head read just before: matches up to the head, oldest first.
    let readQuery (query: EventQuery) (head: Position) =
        { query with Before = min query.Before (head + 1L); Direction = Direction.Forward; Limit = 0 }

    /// The condition the append is written under: nothing the lookup read has changed since it was read.
    let condition (lookup: Lookup) (looked: LookedUp) =
        match lookup with
        | Lookup.Events query ->
            FailIfEventsMatch({ query with After = Names.Start; Before = Int64.MaxValue; Direction = Direction.Forward; Limit = 0 }, looked.Position)
        | Lookup.Streams streams ->
            All [ for s in List.distinct streams -> StreamVersion(s, ExpectedVersion.Exact(looked.VersionOf s)) ]

    /// Checks a caller's expected version against the first stream read: Ok, or the mismatch (HTTP 412), or an
    /// invalid-input error when the command does not read a stream.
    let checkExpected (expected: ExpectedVersion option) (lookup: Lookup) (looked: LookedUp) : Result<unit, CommandOutcome> =
        match expected, lookup with
        | None, _ -> Ok()
        | Some e, Lookup.Streams(stream :: _) ->
            let version = looked.VersionOf stream
            let live = looked.EventsOf(stream).Length > 0
            AppendCondition.checkVersion stream e (version, live) |> Result.mapError CommandOutcome.VersionMismatch
        | Some _, _ ->
            Error(CommandOutcome.Invalid { Field = "expectedVersion"; Message = "An expected version applies only to commands on a stream." })

    /// Causation (the command's id), correlation (the caller's, else the command's id) and actor of every event a
    /// command writes; the shell adds the trace context and the request's own fields.
    let metadata (caller: Caller) (commandId: Guid) =
        EventMetadata.Of(
            commandId.ToString(),
            (if String.IsNullOrEmpty caller.CorrelationId then commandId.ToString() else caller.CorrelationId),
            (if isNull caller.Actor then "" else caller.Actor))

    /// The id of the index-th event of a command whose caller chose its id: derived from the tenant, the command id
    /// and the index, so re-sending the command (a client retrying after a lost answer) repeats the append
    /// idempotently instead of writing its events twice. UUIDv7-shaped, with the command id's first 48 bits.
    let eventId (tenant: TenantId) (commandId: Guid) (index: int) =
        let hash =
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes $"{tenant}\n{commandId:N}\n{index}")
        let bytes = Array.copy hash.[0..15]
        let prefix = commandId.ToByteArray(true)
        Array.blit prefix 0 bytes 0 6
        bytes.[6] <- 0x70uy ||| (bytes.[6] &&& 0x0Fuy)
        bytes.[8] <- 0x80uy ||| (bytes.[8] &&& 0x3Fuy)
        Guid(ReadOnlySpan bytes, true)

    /// Pairs decided events with fresh ids and the command's metadata.
    let propose (ids: Guid list) (metadata: EventMetadata) (events: EventData list) =
        if List.length ids <> List.length events then invalidArg "ids" "One id is needed per event."
        List.map2 (fun id data -> { Id = id; Data = data; Metadata = metadata }) ids events |> Array.ofList

    /// The events a command with a caller-chosen id already wrote, found among what it read (its events carry the command
    /// id as their causation id): a re-sent or redelivered command answers with them instead of deciding again. Empty
    /// when the command has not been applied (or writes outside what it reads: it then decides again, and its derived
    /// event ids keep a repeated append idempotent).
    let alreadyApplied (commandId: Guid) (looked: LookedUp) =
        let causation = commandId.ToString()
        looked.Events |> Array.filter (fun e -> e.Metadata.CausationId = causation)

    /// A caller-chosen command id, named by field: any GUID but the empty one, which every caller would share.
    let checkId (field: string) (id: Guid) : Result<unit, Validation.Error> =
        if id = Guid.Empty then Error { Field = field; Message = $"'{field}' is the empty GUID: give each command a GUID of its own." }
        else Ok()

    /// A caller-chosen command id sent as text (an HTTP header, a GraphQL argument, a broker header), named by field: a
    /// GUID (`checkId`), or an error showing at most 40 characters of the text. Every surface parses ids with it.
    let parseId (field: string) (text: string) : Result<Guid, Validation.Error> =
        match Guid.TryParse text with
        | true, id -> checkId field id |> Result.map (fun () -> id)
        | _ ->
            let shown = if text.Length <= 40 then text else text.Substring(0, 40) + "…"
            Error { Field = field; Message = $"'{shown}' is not a command id: give a GUID other than the empty one." }

    /// The metadata field recording which command a caller-chosen command id was first used for (see `fingerprint`).
    [<Literal>]
    let FingerprintField = "hybrid.command"

    /// The command's name and the first 16 bytes of the SHA-256 of its input as JSON (in this module's conventions), as
    /// "name:hex". Events written under a caller-chosen command id carry it, so that the id re-sent with another command
    /// or other input is told apart from a retry of the same command.
    /// Object keys are hashed in ordinal order, so a dictionary field read from keys in another order hashes the same.
    let fingerprint (name: string) (input: obj) =
        let value = System.Text.Json.JsonSerializer.SerializeToElement(input, input.GetType(), JsonPayload.options)
        let buffer = Buffers.ArrayBufferWriter<byte>()
        use writer = new System.Text.Json.Utf8JsonWriter(buffer)
        let rec write (element: System.Text.Json.JsonElement) =
            match element.ValueKind with
            | System.Text.Json.JsonValueKind.Object ->
                writer.WriteStartObject()
                for p in element.EnumerateObject() |> Seq.sortWith (fun a b -> String.CompareOrdinal(a.Name, b.Name)) do
                    writer.WritePropertyName p.Name
                    write p.Value
                writer.WriteEndObject()
            | System.Text.Json.JsonValueKind.Array ->
                writer.WriteStartArray()
                for item in element.EnumerateArray() do
                    write item
                writer.WriteEndArray()
            | _ -> element.WriteTo writer
        write value
        writer.Flush()
        let hash = System.Security.Cryptography.SHA256.HashData buffer.WrittenSpan
        name + ":" + Convert.ToHexStringLower(hash, 0, 16)

    /// The metadata of a command with a caller-chosen id, with its fingerprint; an error when the caller's own fields
    /// leave no room for it (the store keeps at most Limits.MetadataFields fields per event).
    let withFingerprint (fingerprint: string) (metadata: EventMetadata) : Result<EventMetadata, Validation.Error> =
        if metadata.Fields.Count >= Limits.MetadataFields then
            Error
                { Field = "metadata.Fields"
                  Message =
                    $"A command with a command id takes at most {Limits.MetadataFields - 1} metadata fields of its own, not {metadata.Fields.Count}: one more holds the command's fingerprint ('{FingerprintField}')." }
        else Ok(metadata.WithField(FingerprintField, fingerprint))

    /// The caller's own metadata fields may not use the fingerprint's name: only the command processor writes it.
    let checkOwnFields (names: string seq) : Result<unit, Validation.Error> =
        if Seq.contains FingerprintField names then
            Error
                { Field = $"metadata.Fields[{FingerprintField}]"
                  Message = $"The metadata field '{FingerprintField}' is written by the command processor only: give your field another name." }
        else Ok()

    /// The error when events a caller-chosen command id already wrote belong to another command or other input (their
    /// fingerprint differs): the id was reused, and answering with those events would tell the caller that its command
    /// was carried out when it was not. None when they are this command's, or carry no fingerprint (written before them).
    let reused (commandId: Guid) (fingerprint: string) (events: RecordedEvent[]) : Validation.Error option =
        let causation = commandId.ToString()
        let commandOf (print: string) = match print.LastIndexOf ':' with | -1 -> print | i -> print.Substring(0, i)
        events
        |> Array.tryPick (fun e ->
            if e.Metadata.CausationId <> causation then None
            else
                match e.Metadata.Fields.TryFind FingerprintField with
                | Some other when other <> fingerprint ->
                    let what =
                        if commandOf other = commandOf fingerprint then $"'{commandOf other}' with other input"
                        else $"'{commandOf other}'"
                    Some
                        { Field = "commandId"
                          Message =
                            $"The command id '{commandId}' was already used by {what}, which wrote position {e.Position}: give each new command a new id." }
                | _ -> None)

    /// The error when an append under a caller-chosen command id found some of its derived event ids already stored: an
    /// earlier command with this id wrote other events, so the id was reused.
    let reusedIds (commandId: Guid) : Validation.Error =
        { Field = "commandId"
          Message = $"The command id '{commandId}' was already used by a command that wrote other events: give each new command a new id." }

    /// True when a failed append is worth re-running lookup and decision for.
    let isRetryable (failure: ConditionFailure) =
        match failure.Kind with
        | ConditionFailureKind.WrongExpectedVersion
        | ConditionFailureKind.EventsMatched
        | ConditionFailureKind.PredicateRejected -> true
        | _ -> false
