// Read-your-writes access: which views a command's answer may carry (ViewAccess.check).
module Hybrid.Tests.Properties.WriteSide.ViewAccessProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid

let private models = [ "billing"; "lists"; "customers" ]
let private scopes = [ ""; "a"; "b" ]

let private genView =
    Gen.map2 (fun m s -> ViewRef.Of(m, s)) (Gen.elements models) (Gen.elements scopes)

let private genCaller =
    Gen.map2 (fun actor roles -> { Tenant = "acme"; Actor = actor; Roles = List.toArray roles; CorrelationId = "" })
        (Gen.elements [ ""; "ann" ]) (Gen.subListOf [ "admin"; "member" ] |> Gen.map List.ofSeq)

let private model name (readable: Caller -> bool) =
    ReadModel.ofRecorded name 1 [ "E" ] 0 (fun n _ -> n + 1) |> ReadModel.readableBy readable

let private scenario = Gen.zip3 genCaller (Gen.listOf genView) genView |> Arb.fromGen

let private allowed = function Authorization.Allowed -> true | Authorization.Denied _ -> false

[<Property>]
let ``a view the command names for its payload is answered to every caller, whatever its model admits`` () =
    Prop.forAll scenario (fun (caller, named, view) ->
        allowed (ViewAccess.check caller (view :: named) (Some(model view.Model (fun _ -> false))) view)
        && allowed (ViewAccess.check caller (view :: named) None view))

[<Property>]
let ``any other view is answered exactly when its model admits the caller, and never when the model is undefined`` () =
    Prop.forAll scenario (fun (caller, named, view) ->
        let others = named |> List.filter ((<>) view)
        let admitsAdmins (c: Caller) = c.IsAuthenticated && c.IsInRole "admin"
        allowed (ViewAccess.check caller others (Some(model view.Model admitsAdmins)) view) = admitsAdmins caller
        && not (allowed (ViewAccess.check caller others None view)))

[<Property>]
let ``a model built without readableBy admits nobody`` () =
    Prop.forAll (Arb.fromGen genCaller) (fun caller -> not ((ReadModel.ofRecorded "m" 1 [ "E" ] 0 (fun n _ -> n)).ReadableBy caller))
