// The HTTP adapter's status mapping and the registry's introspection facts.
module Hybrid.Tests.Properties.WriteSide.OutcomeMappingProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Shell.Http
open Hybrid.Tests.TestDomain

let private failure = { Kind = ConditionFailureKind.WrongExpectedVersion; Reason = "r"; Stream = "s"; ActualVersion = 2L }

let private outcomesWithStatus =
    [ CommandOutcome.Accepted { Events = [||]; Result = None; Position = 0L; Attempts = 1; TriggerFailures = [] }, 200
      CommandOutcome.Rejected(Rejection.create "c" "r"), 422
      CommandOutcome.Conflict(3, "r"), 409
      CommandOutcome.VersionMismatch failure, 412
      CommandOutcome.Unauthorized "r", 403
      CommandOutcome.Invalid { Field = "f"; Message = "m" }, 400
      CommandOutcome.UnknownCommand "x", 404
      CommandOutcome.NotFound "x", 404
      CommandOutcome.Unavailable("r", TimeSpan.FromSeconds 1.0), 503 ]

[<Property>]
let ``each command outcome maps to its documented status and names itself in the body`` () =
    Prop.forAll (Arb.fromGen (Gen.elements outcomesWithStatus)) (fun (outcome, status) ->
        HttpOutcomes.StatusOf outcome = status
        && HttpOutcomes.BodyOf(outcome).["outcome"] :?> string <> "unknown")

[<Property>]
let ``an invalid outcome's body names the field as the request's json does and the reason`` (field: NonEmptyString) (message: NonEmptyString) =
    let body = HttpOutcomes.BodyOf(CommandOutcome.Invalid { Field = field.Get; Message = message.Get })
    body.["field"] :?> string = PayloadErrors.jsonField field.Get && body.["reason"] :?> string = message.Get

/// Fields as the core and the stores name them (.NET member names), and the tenants whose messages name them.
let private storeNamedErrors =
    gen {
        let! field = Gen.elements [ "events[0].Type"; "condition.query.Items[0].Tags[1]"; "metadata.Fields[hybrid.Fingerprint]"; "If-Match"; "body" ]
        let! tenant = Gen.elements [ "acme"; "t-1"; "globex" ]
        return ({ Field = field; Message = $"Tenant '{tenant}': {field}: is not valid." }: Validation.Error)
    }

[<Property>]
let ``every surface names an invalid outcome's field and reason as http does, as the request's json names fields`` () =
    Prop.forAll (Arb.fromGen storeNamedErrors) (fun error ->
        let field = PayloadErrors.jsonField error.Field
        let same (http: Collections.Generic.Dictionary<string, obj>) (shared: Collections.Generic.Dictionary<string, obj>) =
            http.["field"] = shared.["field"] && http.["reason"] = shared.["reason"]
            && shared.["field"] :?> string = field && (shared.["reason"] :?> string).Contains($"': {field}: ")
        same (HttpOutcomes.BodyOf(CommandOutcome.Invalid error)) (Hybrid.Shell.Commands.OutcomeBodies.Of(CommandOutcome.Invalid error))
        && same (HttpOutcomes.BodyOf(QueryOutcome.Invalid error)) (Hybrid.Shell.Commands.OutcomeBodies.Of(QueryOutcome.Invalid error)))

[<Property>]
let ``introspection lists every registered command with the event types it may emit`` () =
    let described = RegistryIntrospection.Describe WriteSideCatalog.registry
    let commands = WriteSide.commands WriteSideCatalog.registry
    Prop.forAll (Arb.fromGen (Gen.elements commands)) (fun command ->
        let definition = Registry.tryFind DefinitionKind.Command command.Name WriteSideCatalog.registry
        definition.IsSome
        && definition.Value.Describe.["emits"] = command.Emits
        && (described.["commands"] :?> obj[]).Length = commands.Length)

[<Property>]
let ``registering a command name twice is refused`` () =
    Prop.forAll (Arb.fromGen (Gen.elements (WriteSide.commands WriteSideCatalog.registry))) (fun command ->
        try
            WriteSideCatalog.registry |> WriteSide.addCommand command |> ignore
            false
        with :? ArgumentException as e -> e.Message.Contains command.Name)
