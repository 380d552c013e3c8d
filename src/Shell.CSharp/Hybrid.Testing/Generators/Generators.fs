// FsCheck generators for users' domains: tenants, callers with roles, events of registered types (derived from each
// codec's event type), histories recorded in valid stream order, and the states a decider folds from them.
namespace Hybrid.Testing

open System
open FsCheck
open FsCheck.FSharp
open Hybrid

/// Generators for properties of a domain.
module Generators =

    /// Valid tenant ids ("tenant-1" to "tenant-99").
    let tenant: Gen<TenantId> = Gen.choose (1, 99) |> Gen.map (sprintf "tenant-%d")

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

    /// Event data of a codec's events: generated values, encoded.
    let eventsOfWith<'E> (arbitraries: IArbMap) (codec: EventCodec<'E>) : Gen<EventData> =
        valuesOf<'E> arbitraries |> Gen.map codec.Encode

    /// Event data of a codec's events, with FsCheck's default derivation of the event type.
    let eventsOf<'E> (codec: EventCodec<'E>) = eventsOfWith ArbMap.defaults codec

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

    /// Event data of every event type registered through a codec.
    let registeredEvents (registry: Registry) = registeredEventsWith ArbMap.defaults registry

    /// Histories: lists of generated events recorded as the tenant's log (gapless positions, stream versions in order).
    let historyOf (events: Gen<EventData>) : Gen<RecordedEvent[]> = Gen.listOf events |> Gen.map (History.record "tenant-1")

    /// Decision contexts: a caller of "tenant-1" (anonymous ones included) and an instant in 2026, to the second.
    let decisionContexts: Gen<DecisionContext> =
        gen {
            let! caller = callerIn "tenant-1" [] []
            let! seconds = Gen.choose (0, 365 * 24 * 3600 - 1)
            return DecisionContext.Of(caller, DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(float seconds))
        }

    /// The events a decider produces when deciding the commands one after another, each in a generated context,
    /// against the state they build (rejected commands write nothing): histories every one of which the decider could
    /// have written.
    let decided (decider: Decider<'C, 'E, 'S>) (commands: Gen<'C>) : Gen<'E list> =
        Gen.listOf (Gen.zip decisionContexts commands)
        |> Gen.map (fun cs ->
            let folder (state, written) (context, command) =
                match decider.Decide context command state with
                | Ok events -> Folding.fold decider.Evolve state events, written @ events
                | Error _ -> state, written
            cs |> List.fold folder (decider.Initial, []) |> snd)

    /// The states a decider reaches from the histories of decided.
    let statesOf (decider: Decider<'C, 'E, 'S>) (commands: Gen<'C>) : Gen<'S> =
        decided decider commands |> Gen.map (Decider.fold decider)
