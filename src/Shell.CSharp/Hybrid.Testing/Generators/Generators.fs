// FsCheck generators for users' domains: tenants, callers with roles, events of registered types (derived from each
// codec's event type), histories recorded in valid stream order, and the states a decider folds from them.
namespace Hybrid.Testing

open System
open FsCheck
open FsCheck.FSharp
open Hybrid

/// A definition threw while a generator ran it to build a case (a decider deciding or evolving the commands of
/// Generators.decided): the message names the step, and Case shows the commands decided up to it.
type GenerationFailedException(message: string, case: string, inner: exn) =
    inherit Exception(message, inner)

    /// The generated inputs up to the step that threw, for people.
    member _.Case = case

/// Generators for properties of a domain.
module Generators =

    /// Valid tenant ids ("tenant-1" to "tenant-99").
    let tenant: Gen<TenantId> = Gen.choose (1, 99) |> Gen.map (sprintf "tenant-%d")

    let private keyChars = [| yield! [ 'a' .. 'z' ]; yield! [ 'A' .. 'Z' ]; yield! [ '0' .. '9' ]; '-'; '_'; '.' |]
    let private alphanumerics = keyChars |> Array.filter Char.IsAsciiLetterOrDigit

    /// Strings of `chars` from min to max long, at the edges (min, max) one time in four.
    let private stringsOf (first: char[]) (chars: char[]) (minLength: int) (maxLength: int) =
        gen {
            let! length = Gen.frequency [ 1, Gen.constant minLength; 1, Gen.constant maxLength; 6, Gen.choose (minLength, maxLength) ]
            let! head = Gen.elements first
            let! rest = Gen.arrayOfLength (length - 1) (Gen.elements chars)
            return String(Array.append [| head |] rest)
        }

    /// Any tenant id the core accepts (Validation.tenant), the edges included: one character, 64, '.', '_' and '-'.
    let tenantIds: Gen<TenantId> = stringsOf alphanumerics keyChars 1 Limits.TenantLength

    /// Text every store keeps in a JSON string: ASCII, accented and CJK letters, emoji (surrogate pairs), quotes,
    /// backslashes and control characters other than NUL, the empty string included; never NUL nor a lone surrogate,
    /// which the core refuses in bodies (PostgreSQL's jsonb cannot store them).
    let text: Gen<string> =
        let pieces =
            Gen.frequency
                [ 8, Gen.choose (32, 126) |> Gen.map (fun c -> string (char c))
                  2, Gen.elements [ "é"; "ß"; "Ω"; "日本"; "😀"; "👩‍💻"; "\""; "\\"; "\n"; "\t"; "\u0001"; "\u007f"; "\u00a0" ] ]
        Gen.sized (fun size -> Gen.choose (0, max 0 size) |> Gen.bind (fun n -> Gen.listOfLength n pieces)) |> Gen.map String.Concat

    /// Shrinks text by whole text elements, so a surrogate pair is never split.
    let private shrinkText (value: string) =
        if String.IsNullOrEmpty value then Seq.empty
        else
            let elements = Globalization.StringInfo(value)
            seq { ""; elements.SubstringByTextElements(0, elements.LengthInTextElements / 2) } |> Seq.distinct |> Seq.filter ((<>) value)

    /// FsCheck's default arbitraries with strings drawn from `text`: values of records and unions whose encoded
    /// events every store accepts.
    let storable: IArbMap = ArbMap.defaults |> ArbMap.mergeArb (Arb.fromGenShrink (text, shrinkText))

    /// Any stream id the core accepts (Validation.stream): 1 to 200 characters, non-ASCII ones included, never '$' first.
    let streamIds: Gen<StreamId> =
        let chars = Array.append keyChars [| 'é'; '日'; ':'; '/'; '#'; '@' |]
        stringsOf (Array.append keyChars [| 'é' |]) chars 1 Limits.StreamLength

    /// Any tag of the kind the core accepts (Validation.tag): "kind:value", values from one character up to the
    /// 200-character limit, with spaces and non-ASCII letters.
    let tagsOf (kind: string) : Gen<Tag> =
        let room = Limits.TagLength - kind.Length - 1
        if room < 1 then invalidArg "kind" $"The tag kind '{kind}' leaves no room for a value within {Limits.TagLength} characters."
        let chars = Array.append keyChars [| ' '; 'é'; '日'; ':' |]
        stringsOf alphanumerics chars 1 room |> Gen.map (fun value -> $"{kind}:{value}")

    /// Event ids as stores take them: any GUID but the empty one.
    let eventIds: Gen<Guid> =
        Gen.arrayOfLength 16 (Gen.choose (0, 255) |> Gen.map byte)
        |> Gen.map (fun bytes -> Guid(bytes))
        |> Gen.filter (fun id -> id <> Guid.Empty)

    /// Callers of the tenant: anonymous ones, authenticated ones without roles, and actors with any subset of the roles.
    let callerIn (tenant: TenantId) (actors: string list) (roles: string list) : Gen<Caller> =
        let actors = if actors.IsEmpty then [ "ann"; "bob" ] else actors
        Gen.frequency
            [ 1, Gen.constant { Tenant = tenant; Actor = ""; Roles = [||]; CorrelationId = "" }
              1, Gen.elements actors |> Gen.map (fun a -> { Tenant = tenant; Actor = a; Roles = [||]; CorrelationId = "" })
              4,
              gen {
                  let! actor = Gen.elements actors
                  let! granted = Gen.subListOf roles
                  return { Tenant = tenant; Actor = actor; Roles = Array.ofList granted; CorrelationId = "" }
              } ]

    /// Callers of any generated tenant with any subset of the roles (anonymous ones included).
    let caller (roles: string list) = tenant |> Gen.bind (fun t -> callerIn t [] roles)

    /// The anonymous caller of the tenant.
    let anonymous (tenant: TenantId) = Gen.constant { Tenant = tenant; Actor = ""; Roles = [||]; CorrelationId = "" }

    /// Values of the event type derived by FsCheck (records, unions, primitives), or from the arbitraries in the map.
    let valuesOf<'E> (arbitraries: IArbMap) : Gen<'E> = ArbMap.generate<'E> arbitraries

    /// The first problem every store would find appending the event data (the core's Validation.proposed), or None.
    let storeProblem (data: EventData) =
        match Validation.proposed InputLimits.Default [| { Id = Guid(1, 0s, 0s, 0uy, 0uy, 0uy, 0uy, 0uy, 0uy, 0uy, 1uy); Data = data; Metadata = EventMetadata.Empty } |] with
        | Ok() -> None
        | Error e ->
            let field = e.Field.Replace("events[0].", "")
            Some $"{field}: {e.Message}"

    /// Event data of a codec's events: generated values, encoded, and only those every store accepts (a value whose
    /// encoding a store would refuse is generated again; a codec that keeps producing them fails the generator,
    /// naming the problem).
    let eventsOfWith<'E> (arbitraries: IArbMap) (codec: EventCodec<'E>) : Gen<EventData> =
        valuesOf<'E> arbitraries
        |> Gen.map codec.Encode
        |> Gen.tryFilter (storeProblem >> Option.isNone)
        |> Gen.zip (valuesOf<'E> arbitraries)
        |> Gen.map (fun (example, found) ->
            match found with
            | Some data -> data
            | None ->
                let data = codec.Encode example
                let problem = storeProblem data |> Option.defaultValue "(none for this value)"
                raise (GenerationFailedException($"The codec's events of type {typeof<'E>.Name} are refused by the stores: {problem}", Rendering.events [ data ], null)))

    /// Event data of a codec's events, with FsCheck's default derivation of the event type and storable strings.
    let eventsOf<'E> (codec: EventCodec<'E>) = eventsOfWith storable codec

    /// Untyped access to eventsOfWith for codecs found in a registry.
    type private Boxed =
        static member EventsOf<'E>(arbitraries: IArbMap, codec: obj) : Gen<EventData> = eventsOfWith arbitraries (codec :?> EventCodec<'E>)

    /// Event data of every event type registered through a codec (WriteSide.addDecider), derived from the codecs' event types.
    let registeredEventsWith (arbitraries: IArbMap) (registry: Registry) : Gen<EventData> =
        let codecs = Registry.ofKind DefinitionKind.Decider registry |> List.map (fun d -> d.Value)
        if codecs.IsEmpty then invalidArg "registry" "The registry has no codecs: register deciders with WriteSide.addDecider."
        codecs
        |> List.map (fun codec ->
            let eventType = codec.GetType().GetGenericArguments().[0]
            let method = typeof<Boxed>.GetMethod("EventsOf", Reflection.BindingFlags.Static ||| Reflection.BindingFlags.Public ||| Reflection.BindingFlags.NonPublic)
            method.MakeGenericMethod(eventType).Invoke(null, [| box arbitraries; codec |]) :?> Gen<EventData>)
        |> Gen.oneof

    /// Event data of every event type registered through a codec, with storable strings.
    let registeredEvents (registry: Registry) = registeredEventsWith storable registry

    /// Histories: lists of generated events recorded as the tenant's log (gapless positions, stream versions in order).
    let historyOf (events: Gen<EventData>) : Gen<RecordedEvent[]> = Gen.listOf events |> Gen.map (History.record "tenant-1")

    /// Decision contexts of the callers: each with an instant in 2026, to the second.
    let decisionContextsOf (callers: Gen<Caller>) : Gen<DecisionContext> =
        gen {
            let! caller = callers
            let! seconds = Gen.choose (0, 365 * 24 * 3600 - 1)
            return DecisionContext.Of(caller, DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(float seconds))
        }

    /// Decision contexts: a caller of "tenant-1" without roles (anonymous ones included) and an instant in 2026, to the
    /// second. A decider that looks at roles needs decisionContextsOf (callerIn "tenant-1" actors roles).
    let decisionContexts: Gen<DecisionContext> = decisionContextsOf (callerIn "tenant-1" [] [])

    /// The events a decider produces when deciding the commands one after another, each in a generated context,
    /// against the state they build (rejected commands write nothing): histories every one of which the decider could
    /// have written.
    let decided (decider: Decider<'C, 'E, 'S>) (commands: Gen<'C>) : Gen<'E list> =
        Gen.listOf (Gen.zip decisionContexts commands)
        |> Gen.map (fun cs ->
            // A decider that throws here would otherwise escape FsCheck as a bare exception, with no law, seed or case.
            let failed (step: string) (decidedSoFar: 'C list) (error: exn) =
                let case = List.rev decidedSoFar |> List.map Rendering.value |> String.concat ", "
                raise (GenerationFailedException($"{step} threw {error.GetType().Name}: {error.Message}", $"[{case}]", error))
            let folder (state, written, sent) (context: DecisionContext, command) =
                let sent = command :: sent
                let decision =
                    try
                        decider.Decide context command state
                    with error -> failed $"Deciding {Rendering.value command} against the state {Rendering.value state}" sent error
                match decision with
                | Ok events ->
                    let next =
                        events
                        |> List.fold (fun s e ->
                            try
                                decider.Evolve s e
                            with error -> failed $"Evolving the state {Rendering.value s} by the event {Rendering.value e}" sent error) state
                    next, written @ events, sent
                | Error _ -> state, written, sent
            let _, written, _ = cs |> List.fold folder (decider.Initial, [], [])
            written)

    /// The states a decider reaches from the histories of decided.
    let statesOf (decider: Decider<'C, 'E, 'S>) (commands: Gen<'C>) : Gen<'S> =
        decided decider commands |> Gen.map (Decider.fold decider)
