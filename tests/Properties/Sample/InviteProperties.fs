// Properties of customer invites: one invite per email, however it is written; empty or malformed emails refused.
module Hybrid.Tests.Properties.Sample.InviteProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Tests.Properties.Sample.SampleGenerators

/// The decisions' time: invites record it.
let private at = System.DateTimeOffset(2026, 6, 1, 8, 0, 0, System.TimeSpan.Zero)

/// Runs invites one after another, each deciding on the events already tagged with its email.
let private runInvites (emails: string list) =
    let mutable log: Invites.Events.Event list = []
    [ for i, email in List.indexed emails do
          let existing = log |> List.filter (fun (Invites.Events.CustomerInvited e) -> e.Email = Invites.normalize email)
          let decided = Invites.decide "ann" at { CustomerId = $"c-{i}"; Email = email } existing
          match decided with
          | Ok events -> log <- log @ events
          | Error _ -> ()
          yield email, decided ]

[<Property>]
let ``an empty email is refused with a clear message and no events`` () =
    Prop.forAll (Arb.fromGen (Gen.elements [ ""; " "; "\t"; null ])) (fun blank ->
        Invites.decide "ann" at { CustomerId = "c-1"; Email = blank } [] = Error "The email is empty.")

[<Property>]
let ``each email is invited once and a repeat is refused naming it`` () =
    Prop.forAll (Arb.fromGen (Gen.listOf email)) (fun emails ->
        let outcomes = runInvites emails
        let accepted = outcomes |> List.choose (fun (e, r) -> match r with Ok _ -> Some(Invites.normalize e) | _ -> None)
        let firstValid = emails |> List.filter (fun e -> Result.isOk (Invites.validateEmail e)) |> List.map Invites.normalize |> List.distinct
        let repeatsNamed =
            outcomes
            |> List.forall (fun (e, r) ->
                match r with
                | Error m when Result.isOk (Invites.validateEmail e) -> m.StartsWith $"'{Invites.normalize e}' was already invited"
                | _ -> true)
        accepted = firstValid && repeatsNamed)

[<Property>]
let ``the customers view marks exactly the accepted emails invited`` () =
    Prop.forAll (Arb.fromGen (Gen.listOf email)) (fun emails ->
        let events = runInvites emails |> List.collect (fun (_, r) -> match r with Ok es -> es | Error _ -> [])
        let view = events |> List.map Invites.Events.encode |> recordAll |> Array.fold CustomersView.evolve CustomersView.initial
        let accepted = events |> List.map (fun (Invites.Events.CustomerInvited e) -> e.Email) |> Set.ofList
        Set.ofSeq view.Keys = accepted && view |> Map.forall (fun _ c -> c.Status = "invited"))
